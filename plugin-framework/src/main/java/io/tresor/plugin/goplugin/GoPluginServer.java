package io.tresor.plugin.goplugin;

import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The go-plugin side of a plugin process: a plain-text gRPC server on a private unix socket (loopback TCP if no
 * directory gives a usable socket path), go-plugin's health, controller, broker and stdio services, and a clean stop.
 * The JDK's own unix-socket channels are used, not netty's epoll transport: that one extracts and loads a native
 * library at every start (measured: about a third of the main thread's start-up work).
 * Every thread it starts is a daemon, so nothing keeps the JVM alive after a Shutdown.
 */
public final class GoPluginServer {
    /** Where the server listens, as announced in the handshake. */
    public record Endpoint(String network, String address) {
    }

    /** Item JSON and backup JSON travel in one message; Go allows 4 MiB, Velero's client sends up to 2 GiB. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 128 * 1024 * 1024;
    private static final int MAX_UNIX_PATH = 100;

    private final Server server;
    private final Endpoint endpoint;
    private final Path socketFile;
    private final EventLoopGroup loop;
    private final ExecutorService executor;
    private final CountDownLatch shutdownRequested = new CountDownLatch(1);

    private GoPluginServer(Server server, Endpoint endpoint, Path socketFile, EventLoopGroup loop,
                           ExecutorService executor) {
        this.server = server;
        this.endpoint = endpoint;
        this.socketFile = socketFile;
        this.loop = loop;
        this.executor = executor;
    }

    /**
     * Binds and starts serving go-plugin's own services, with {@code services} answering every other method (services
     * added to it later are served too); returns once connections are accepted.
     */
    public static GoPluginServer start(HandlerRegistry services, Map<String, String> env) throws IOException {
        ExecutorService executor = Executors.newCachedThreadPool(daemonThreads("tresor-rpc"));
        CountDownLatch[] latch = new CountDownLatch[1];
        ControllerService controller = new ControllerService(() -> latch[0].countDown());

        Path socket = socketPath(env);
        NettyServerBuilder builder;
        // One event-loop thread accepts and serves: Velero opens a single connection per plugin process, and a
        // second loop (selector + thread) would only add start-up time. Actions run on the executor, never on it.
        EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("tresor-io", true));
        Endpoint endpoint;
        if (socket != null) {
            builder = NettyServerBuilder.forAddress(UnixDomainSocketAddress.of(socket))
                    .channelType(NioServerDomainSocketChannel.class);
            endpoint = new Endpoint("unix", socket.toString());
        } else {
            builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .channelType(NioServerSocketChannel.class);
            endpoint = null;
        }
        builder.bossEventLoopGroup(loop)
                .workerEventLoopGroup(loop)
                .executor(executor)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(new HealthService())
                .addService(controller)
                .addService(new BrokerService())
                .addService(new StdioService());
        builder.fallbackHandlerRegistry(services);
        Server server = builder.build();
        server.start();
        if (endpoint == null) {
            InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
            endpoint = new Endpoint("tcp", "127.0.0.1:" + bound.getPort());
        }
        GoPluginServer s = new GoPluginServer(server, endpoint, socket, loop, executor);
        latch[0] = s.shutdownRequested;
        return s;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Blocks until Velero called {@code GRPCController/Shutdown} (or {@link #requestShutdown}). */
    public void awaitShutdownRequest() throws InterruptedException {
        shutdownRequested.await();
    }

    /** Asks the serving loop to stop, as a Shutdown RPC does. */
    public void requestShutdown() {
        shutdownRequested.countDown();
    }

    /** Stops accepting, gives running calls up to {@code grace}, then closes everything and removes the socket. */
    public void stop(Duration grace) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                // The broker and stdio streams stay open until Velero closes its connection; don't wait for them.
                server.shutdownNow();
                server.awaitTermination(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        executor.shutdownNow();
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                // A leftover socket in /tmp is harmless; its name is random.
            }
        }
    }

    /**
     * A fresh socket path under {@code $TMPDIR} (or {@code /tmp}), random so that concurrent instances of this
     * executable never collide; null when no usable directory gives a path short enough for sun_path.
     */
    static Path socketPath(Map<String, String> env) {
        String name = "tresor-plugin-" + HexFormat.of().formatHex(randomBytes()) + ".sock";
        for (String dir : new String[] {env.get("TMPDIR"), "/tmp"}) {
            if (dir == null || dir.isBlank()) {
                continue;
            }
            Path d = Path.of(dir);
            if (!Files.isDirectory(d) || !Files.isWritable(d)) {
                continue;
            }
            Path p = d.toAbsolutePath().resolve(name);
            if (p.toString().length() <= MAX_UNIX_PATH && !p.toString().contains("|")) {
                return p;
            }
        }
        return null;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
