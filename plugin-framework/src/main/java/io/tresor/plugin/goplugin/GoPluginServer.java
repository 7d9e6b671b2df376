package io.tresor.plugin.goplugin;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The go-plugin side of a plugin process: a plain-text gRPC server on a private unix socket (loopback TCP if no
 * directory gives a usable socket path), go-plugin's health, controller, broker and stdio services, and a clean stop.
 * Its transport is netty's epoll where the packaged tree provides netty's native library, else the JDK's NIO channels
 * (see {@link ServerTransport}).
 * Every thread it starts is a daemon, so nothing keeps the JVM alive after a Shutdown.
 */
public final class GoPluginServer {
    /** Where the server listens, as announced in the handshake. */
    public record Endpoint(String network, String address) {
    }

    /** Item JSON and backup JSON travel in one message; Go allows 4 MiB, Velero's client sends up to 2 GiB. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 128 * 1024 * 1024;
    private static final int MAX_UNIX_PATH = 100;
    private static final int BIND_ATTEMPTS = 3;

    private final Server server;
    private final Endpoint endpoint;
    private final Path socketFile;
    private final EventLoopGroup loop;
    private final CountDownLatch shutdownRequested = new CountDownLatch(1);

    private GoPluginServer(Server server, Endpoint endpoint, Path socketFile, EventLoopGroup loop) {
        this.server = server;
        this.endpoint = endpoint;
        this.socketFile = socketFile;
        this.loop = loop;
    }

    /** Starts the background start-up work of {@link ServerPreinitializer}; call it as early as possible. */
    public static void preinitialize() {
        ServerPreinitializer.start();
    }

    /** Does start-up work of the server on a thread that is about to wait for {@link #start} on another one. */
    public static void prepareWhileWaiting() {
        ServerPreinitializer.onIdleThread();
    }

    /**
     * Binds and starts serving go-plugin's own services, with {@code services} answering every other method (services
     * added to it later are served too); returns once connections are accepted.
     */
    public static GoPluginServer start(HandlerRegistry services, Map<String, String> env) throws IOException {
        return start(services, () -> socketPath(env));
    }

    /** As {@link #start(HandlerRegistry, Map)}, with socket paths from {@code socketPaths} (null: use loopback TCP). */
    static GoPluginServer start(HandlerRegistry services, Supplier<Path> socketPaths) throws IOException {
        return start(services, socketPaths, null);
    }

    /** As {@link #start(HandlerRegistry, Supplier)} on {@code transport} (null: the one the process chose). */
    static GoPluginServer start(HandlerRegistry services, Supplier<Path> socketPaths, ServerTransport transport)
            throws IOException {
        CountDownLatch[] latch = new CountDownLatch[1];
        // One event-loop thread accepts and serves: Velero opens a single connection per plugin process, and a
        // second loop (selector + thread) would only add start-up time. Calls are handled on it (go-plugin's
        // services never block); the Velero services hand blocking actions to their own worker threads.
        // go-plugin's service definitions first (gRPC and protobuf only): meanwhile the preinit thread sets up netty
        // and its transport, which this thread then waits for.
        List<ServerServiceDefinition> goPlugin = new ArrayList<>();
        for (BindableService service : List.of(new HealthService(), new ControllerService(() -> latch[0].countDown()),
                new BrokerService(), new StdioService())) {
            goPlugin.add(service.bindService());
        }
        if (transport == null) {
            transport = ServerPreinitializer.transport();
        }
        EventLoopGroup loop = transport.newLoop(new DefaultThreadFactory("tresor-io", true));
        ServerPreinitializer.nettyReady();
        ServerFactory factory = (address, channelType) -> {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                    .channelType(channelType)
                    .bossEventLoopGroup(loop)
                    .workerEventLoopGroup(loop)
                    .directExecutor()
                    .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                    .fallbackHandlerRegistry(services);
            // No OpenCensus in the plugin: with stats and tracing on, build() looks for grpc-census by name, and that
            // miss scans the application jar's 23,000 entries before the handshake.
            InternalNettyServerBuilder.setStatsEnabled(builder, false);
            InternalNettyServerBuilder.setTracingEnabled(builder, false);
            goPlugin.forEach(builder::addService);
            return builder.build().start();
        };
        Server server = null;
        Path socket = null;
        Endpoint endpoint = null;
        for (int attempt = 1; server == null; attempt++) {
            socket = socketPaths.get();
            if (socket == null) {
                break;
            }
            try {
                server = factory.start(transport.unixAddress(socket), transport.unixChannel());
                endpoint = new Endpoint("unix", socket.toString());
            } catch (IOException e) {
                // The name is random but not secret: a file already there (a leftover or a squatter) is skipped.
                if (attempt == BIND_ATTEMPTS || !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
            }
        }
        if (server == null) {
            // 127.0.0.1 by address, not getLoopbackAddress(): with java.net.preferIPv6Addresses that is ::1, while
            // go-plugin's clients dial what the handshake announces, and IPv4 loopback is what every pod has.
            server = factory.start(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0),
                    transport.tcpChannel());
            InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
            endpoint = new Endpoint("tcp", "127.0.0.1:" + bound.getPort());
        }
        GoPluginServer s = new GoPluginServer(server, endpoint, socket, loop);
        latch[0] = s.shutdownRequested;
        return s;
    }

    /** Builds and starts one server on {@code address}; a new builder per attempt, as a built one cannot be reused. */
    @FunctionalInterface
    private interface ServerFactory {
        Server start(SocketAddress address, Class<? extends ServerChannel> channelType) throws IOException;
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

    /**
     * Unique, not secret: go-plugin's own names come from a non-cryptographic source too, and a taken name is
     * skipped at bind time. (SecureRandom's provider set-up cost ~16 ms of every start.)
     */
    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
