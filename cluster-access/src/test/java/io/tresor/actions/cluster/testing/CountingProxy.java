package io.tresor.actions.cluster.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP proxy on 127.0.0.1: tunnels {@code CONNECT host:port} (HTTPS) and forwards absolute-form requests
 * (plain HTTP) to their origin, recording the first request line of every proxied connection.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private CountingProxy(ServerSocket server) {
        this.server = server;
    }

    public static CountingProxy start() throws IOException {
        CountingProxy proxy = new CountingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        daemon(proxy::acceptLoop).start();
        return proxy;
    }

    /** {@code http://127.0.0.1:<port>}, the value of HTTPS_PROXY/HTTP_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** {@code CONNECT host:port} or {@code <METHOD> <absolute URL>} per proxied connection. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                daemon(() -> serve(client)).start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String first = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            String[] parts = first.split(" ");
            if (parts.length < 3) {
                return;
            }
            requests.add(parts[0] + " " + parts[1]);
            Socket upstream;
            if (parts[0].equals("CONNECT")) {
                int colon = parts[1].lastIndexOf(':');
                upstream = new Socket(parts[1].substring(0, colon), Integer.parseInt(parts[1].substring(colon + 1)));
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                URI target = URI.create(parts[1]);
                upstream = new Socket(target.getHost(), target.getPort() == -1 ? 80 : target.getPort());
                // origin servers accept the absolute form too (RFC 9112 §3.2.2): the head goes on unchanged
                upstream.getOutputStream().write(head);
            }
            try (upstream) {
                Thread back = daemon(() -> pipe(upstream, client));
                back.start();
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client or origin went away; a counting proxy has nothing to report
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "counting-proxy");
        t.setDaemon(true);
        return t;
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing both ends is all that is left
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
