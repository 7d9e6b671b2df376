package io.tresor.webhook.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Drives the webhook over TLS keep-alive connections on 127.0.0.1 with the table-case reviews: first a closed loop
 * (as fast as it answers) for throughput, then an open loop at a fixed rate for latency. Bounded in time and count.
 * Prints {@code rps=… p50_ms=… p99_ms=…}.
 */
public final class LoadDriver {

    private record Review(String path, byte[] body) {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path caPem = Path.of(args[1]);
        Path reviews = Path.of(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        int connections = Integer.parseInt(args[5]);
        int warmUpSeconds = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        SSLContext tls = trusting(caPem);
        List<Review> mix = load(reviews);

        // warm-up: until the JIT has compiled the hot paths a long-running webhook would be in steady state
        long[] warmUp = closedLoop(tls, port, mix, connections, warmUpSeconds, 1_000_000);
        long[] throughput = closedLoop(tls, port, mix, connections, seconds, 2_000_000);
        double rps = throughput[0] / (throughput[1] / 1e9);
        long[] latencies = openLoop(tls, port, mix, Math.max(2, connections / 2), rate, seconds);
        Arrays.sort(latencies);
        // on stderr, so the last stdout line stays the one-line result; the script divides server CPU by it
        System.err.println("requests=" + (warmUp[0] + throughput[0] + latencies.length));
        System.out.printf("rps=%.0f p50_ms=%.2f p99_ms=%.2f%n", rps, percentile(latencies, 0.50) / 1e6,
                percentile(latencies, 0.99) / 1e6);
    }

    /** Returns {requests, elapsed nanos}. */
    private static long[] closedLoop(SSLContext tls, int port, List<Review> mix, int connections, int seconds,
            long maxRequests) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int offset = c;
            threads.add(started(() -> {
                try (Connection connection = new Connection(tls, port)) {
                    int i = offset;
                    while (System.nanoTime() < deadline && done.get() < maxRequests) {
                        Review review = mix.get(i++ % mix.size());
                        if (connection.send(review) != 200) {
                            failures.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - start;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed");
        }
        return new long[] {done.get(), elapsed};
    }

    /** Sends at a fixed total rate; latency counts from the planned send time, so queueing is not hidden. */
    private static long[] openLoop(SSLContext tls, int port, List<Review> mix, int connections, int rate, int seconds)
            throws Exception {
        int perConnection = rate * seconds / connections;
        long interval = 1_000_000_000L * connections / rate;
        long[] latencies = new long[perConnection * connections];
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int index = c;
            threads.add(started(() -> {
                try (Connection connection = new Connection(tls, port)) {
                    long first = start + interval * index / connections;
                    for (int i = 0; i < perConnection; i++) {
                        long planned = first + i * interval;
                        long wait = planned - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        if (connection.send(mix.get((index + i * connections) % mix.size())) != 200) {
                            failures.incrementAndGet();
                        }
                        latencies[index * perConnection + i] = System.nanoTime() - planned;
                    }
                } catch (IOException | InterruptedException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed");
        }
        return latencies;
    }

    private static Thread started(Runnable body) {
        Thread thread = new Thread(body, "load-driver");
        thread.start();
        return thread;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static List<Review> load(Path dir) throws IOException {
        List<Review> mix = new ArrayList<>();
        for (String kind : List.of("deny", "allow")) {
            try (Stream<Path> files = Files.list(dir.resolve(kind))) {
                for (Path file : files.sorted().toList()) {
                    String json = Files.readString(file);
                    String path = json.contains("\"endpoint\": \"mutate\"") ? "/mutate" : "/validate";
                    int at = json.indexOf("\"review\":");
                    String review = json.substring(at + 9, json.lastIndexOf('}'));
                    mix.add(new Review(path, review.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return mix;
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        int n = 0;
        for (var cert : factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(caPem)))) {
            trust.setCertificateEntry("c" + n++, (X509Certificate) cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** One keep-alive HTTP/1.1 connection over TLS; minimal on purpose so the driver costs little CPU. */
    private static final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(SSLContext tls, int port) throws IOException {
            socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        int send(Review review) throws IOException {
            byte[] head = ("POST " + review.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + review.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + review.body().length);
            System.arraycopy(review.body(), 0, request, head.length, review.body().length);
            out.write(request);
            out.flush();
            String status = line();
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            if (length < 0) {
                throw new IOException("response without Content-Length: " + status);
            }
            in.readNBytes(length);
            return Integer.parseInt(status.split(" ")[1]);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
