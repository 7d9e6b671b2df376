package io.tresor.plugin.goplugin;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.tresor.proto.goplugin.GRPCBrokerGrpc;
import io.tresor.proto.goplugin.GRPCControllerGrpc;
import io.tresor.proto.goplugin.GRPCStdioGrpc;
import io.tresor.proto.health.HealthGrpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Start-up work moved onto the second core while the listener thread builds the server (the idea of Spring Boot's
 * BackgroundPreinitializer). Everything up to the handshake comes from the AOT cache, except netty's channel-id
 * set-up (class initialisation, reflection) and the proxy classes of the annotations netty checks on every handler
 * it adds and on the handler methods it may skip (the JDK generates them), all needed when the event loop binds.
 * (No class-path lookup may miss before the handshake: a miss reads the application jar's central directory,
 * 23,000 entries and ~35 ms of CPU. PluginTreeIT checks that the jar is still closed when the handshake is out.)
 * <p>
 * Netty is touched only after the listener thread finished netty's own platform set-up ({@link #nettyReady}), so
 * the two threads never initialise classes of one library in opposite orders. Class initialisation happens once
 * per process: whichever thread comes second waits for or reuses the result, nothing runs twice. Failures are
 * ignored: the listener thread meets and reports them itself.
 */
final class ServerPreinitializer {
    private static final CountDownLatch NETTY_READY = new CountDownLatch(1);

    private ServerPreinitializer() {
    }

    /** Starts the daemon thread; returns at once. */
    static void start() {
        Thread t = new Thread(ServerPreinitializer::run, "tresor-preinit");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Work for a thread that would otherwise only wait for the listener thread (the main thread, once the actions
     * are registered): the JDK's unix-socket support, whose class initialisation seeds a SecureRandom (~9 ms of
     * provider set-up, else on the event loop while it binds), and the go-plugin services' protobuf descriptors
     * (else on the listener thread). Neither shares a class with netty's set-up on the listener thread.
     */
    static void onIdleThread() {
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.isOpen();
        } catch (IOException | RuntimeException e) {
            // binding reports any real problem
        }
        HealthGrpc.getServiceDescriptor();
        GRPCControllerGrpc.getServiceDescriptor();
        GRPCBrokerGrpc.getServiceDescriptor();
        GRPCStdioGrpc.getServiceDescriptor();
    }

    /** Called by the listener thread once its event loop group exists. */
    static void nettyReady() {
        NETTY_READY.countDown();
    }

    private static void run() {
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
