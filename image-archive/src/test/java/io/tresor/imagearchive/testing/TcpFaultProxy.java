package io.tresor.imagearchive.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that breaks connections: the first {@code resets} connections that carry more than
 * {@code cutAfterBytes} from the client are reset (RST) at that point, as a flaky network or load balancer would.
 */
public final class TcpFaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long cutAfterBytes;
    private final AtomicInteger resetsLeft;
    private final AtomicInteger resets = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-fault-proxy");
        t.setDaemon(true);
        return t;
    });

    public TcpFaultProxy(int targetPort, int resets, long cutAfterBytes) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.cutAfterBytes = cutAfterBytes;
        this.resetsLeft = new AtomicInteger(resets);
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int resets() {
        return resets.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                threads.execute(() -> pipe(client, target, true));
                threads.execute(() -> pipe(target, client, false));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean upstream) {
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sent += n;
                if (upstream && sent > cutAfterBytes && resetsLeft.getAndDecrement() > 0) {
                    resets.incrementAndGet();
                    from.setSoLinger(true, 0); // close with RST, not FIN
                    from.close();
                    to.close();
                    return;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException ended) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
