package io.tresor.plugin.goplugin;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.tresor.proto.goplugin.GRPCBrokerGrpc;
import io.tresor.proto.goplugin.GRPCControllerGrpc;
import io.tresor.proto.health.HealthGrpc;

import java.io.IOException;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up work moved onto the second core while the listener thread builds the server (the idea of Spring Boot's
 * BackgroundPreinitializer). Everything up to the handshake comes from the AOT cache, except netty's channel-id
 * set-up (class initialisation, reflection) and the proxy classes of the annotations netty checks on every handler
 * it adds and on the handler methods it may skip (the JDK generates them), all needed when the event loop binds.
 * (No class-path lookup may miss before the handshake: a miss reads the application jar's central directory,
 * 23,000 entries and ~35 ms of CPU. PluginTreeIT checks that the jar is still closed when the handshake is out.)
 * <p>
 * Netty is set up on one thread at a time, so the two threads never initialise classes of one library in opposite
 * orders: first this thread chooses the transport ({@link #transport}; netty's platform probes and native library)
 * while the listener thread builds go-plugin's service definitions, which need no netty class; the listener thread
 * touches netty only once the transport is chosen, and this thread touches it again only once the listener's event
 * loop exists ({@link #nettyReady}). Class initialisation happens once per process: whichever thread comes second
 * waits for or reuses the result, nothing runs twice. Failures are ignored: the listener thread meets and reports
 * them itself.
 */
final class ServerPreinitializer {
    private static final CountDownLatch NETTY_READY = new CountDownLatch(1);
    /** The transport, chosen on the preinit thread; null until {@link #start} ran. */
    private static volatile CompletableFuture<ServerTransport> transport;

    private ServerPreinitializer() {
    }

    /** Starts the daemon thread; returns at once. */
    static synchronized void start() {
        if (transport != null) {
            return;
        }
        transport = new CompletableFuture<>();
        Thread t = new Thread(ServerPreinitializer::run, "tresor-preinit");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The server's transport. Choosing it sets up netty (its platform probes, and for epoll the native library), ~17 ms
     * of CPU: done on the preinit thread while the listener thread builds go-plugin's service definitions. Without a
     * preinit thread, or if it failed there, it is chosen here, on the caller's thread, which then meets any failure.
     */
    static ServerTransport transport() {
        CompletableFuture<ServerTransport> chosen = transport;
        if (chosen != null) {
            try {
                return chosen.get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // chosen again below, failures reported by this thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ServerTransport.select();
    }

    /**
     * Work for a thread that would otherwise only wait for the listener thread (the main thread, once the actions
     * are registered): with the JDK's NIO transport its unix-socket support, whose class initialisation seeds a
     * SecureRandom (~9 ms of provider set-up, else on the event loop while it binds); the JDK's annotation proxies;
     * the go-plugin services' protobuf descriptors. None of it shares a class with netty.
     */
    static void onIdleThread() {
        if (System.getProperty(ServerTransport.EPOLL_PROPERTY) == null) {
            try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                unix.isOpen();
            } catch (IOException | RuntimeException e) {
                // binding reports any real problem
            }
        }
        // The JDK's own annotation proxy classes among the five netty's handler checks need (see run()): @Retention
        // and @Inherited, read from the declaration of every annotation type that is looked up (netty's @Sharable has
        // both), and @Deprecated (on netty's skippable exceptionCaught). They need no netty class, so they are made
        // here instead of on the preinit thread, which has netty's own to make.
        InheritedMarker.class.getAnnotations();
        try {
            Object.class.getDeclaredMethod("finalize").getAnnotations();
        } catch (NoSuchMethodException e) {
            // a later JDK removed it; netty's first handler makes the proxy then
        }
        HealthGrpc.getServiceDescriptor();
        GRPCControllerGrpc.getServiceDescriptor();
        GRPCBrokerGrpc.getServiceDescriptor();
        // Not GRPCStdioGrpc's: its request type is protobuf's own Empty (see StdioService).
        StdioService.STREAM_STDIO.getFullMethodName();
    }

    /** Carries exactly the two meta-annotations every annotation type lookup reads. */
    @Retention(RetentionPolicy.RUNTIME)
    @Inherited
    private @interface InheritedMarker {
    }

    /** Called by the listener thread once its event loop group exists. */
    static void nettyReady() {
        NETTY_READY.countDown();
    }

    private static void run() {
        try {
            transport.complete(ServerTransport.select());
        } catch (RuntimeException | LinkageError e) {
            transport.completeExceptionally(e);
            return;
        }
        try {
            if (!NETTY_READY.await(2, TimeUnit.SECONDS)) {
                return;
            }
            Class.forName("io.grpc.netty.shaded.io.netty.channel.DefaultChannelId", true,
                    ServerPreinitializer.class.getClassLoader());
            new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                }
            }.isSharable();
            // netty asks each handler method for its @Skip marker; the first lookup makes the JDK generate proxy
            // classes for @Skip and @Deprecated (both on this method), else on the event loop while it binds.
            ChannelHandlerAdapter.class.getMethod("exceptionCaught", ChannelHandlerContext.class, Throwable.class)
                    .getDeclaredAnnotations();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // a netty upgrade renamed it, or the listener thread reports the same failure itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
