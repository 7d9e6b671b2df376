package io.tresor.imagearchive.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of a registry that injects faults into matching requests: an HTTP status instead of
 * the answer, a connection closed without an answer, a corrupted response body, or a stall (the headers and the first
 * KiB of the body, then nothing while the connection stays open, as a registry whose storage hung).
 */
public final class FaultProxy implements AutoCloseable {
    /** What to do to a matching request. */
    public enum Fault { STATUS_503, STATUS_429, DROP_CONNECTION, CORRUPT_BODY, STALL_BODY }

    private record Rule(Predicate<String> matches, Fault fault, AtomicInteger remaining) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
            "keep-alive", "upgrade", "date");

    private final HttpServer server;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    public FaultProxy(String targetUrl) throws IOException {
        this.target = targetUrl;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Injects {@code fault} into the next {@code times} requests whose "METHOD path" matches. */
    public void inject(Predicate<String> matches, Fault fault, int times) {
        rules.add(new Rule(matches, fault, new AtomicInteger(times)));
    }

    public int injected() {
        return injected.get();
    }

    /** Every request forwarded or answered so far, as "METHOD path". */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private Fault faultFor(String request) {
        for (Rule r : rules) {
            if (r.matches().test(request) && r.remaining().getAndDecrement() > 0) {
                injected.incrementAndGet();
                return r.fault();
            }
        }
        return null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        requests.add(method + " " + exchange.getRequestURI().getPath());
        Fault fault = faultFor(method + " " + exchange.getRequestURI().getPath());
        if (fault == Fault.DROP_CONNECTION) {
            // an exception ends the exchange without a response: the server closes the connection
            throw new IOException("fault injected: connection dropped");
        }
        if (fault == Fault.STATUS_503 || fault == Fault.STATUS_429) {
            exchange.sendResponseHeaders(fault == Fault.STATUS_503 ? 503 : 429, -1);
            exchange.close();
            return;
        }
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] content = response.body().readAllBytes();
            if (fault == Fault.CORRUPT_BODY && content.length > 0) {
                content[content.length / 2] ^= 0x5a;
            }
            if (fault == Fault.STALL_BODY && content.length > 1024) {
                exchange.sendResponseHeaders(response.statusCode(), content.length);
                OutputStream out = exchange.getResponseBody();
                out.write(content, 0, 1024);
                out.flush();
                closing.await(120, TimeUnit.SECONDS); // hold the connection open, sending nothing
                return;
            }
            boolean noBody = method.equals("HEAD") || content.length == 0;
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : content.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
