package io.tresor.plugin.goplugin;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The netty transport the plugin's server listens with: epoll when netty's native library loads without being
 * extracted (the packaged tree ships it on {@code java.library.path}), else the JDK's NIO channels. Epoll is
 * preferred because the JDK's unix sockets seed a {@code SecureRandom} when first used, which sets up the JDK's
 * security providers (~13 ms of CPU at every start); netty's epoll unix sockets need none of that.
 */
enum ServerTransport {
    EPOLL(EpollIoHandler::newFactory, EpollServerDomainSocketChannel.class, EpollServerSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerDomainSocketChannel.class, NioServerSocketChannel.class);

    /** Set in the packaged tree's jvmopts once the native library is on {@code java.library.path}. */
    static final String EPOLL_PROPERTY = "tresor.transport.epoll";

    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerChannel> unixChannel;
    private final Class<? extends ServerChannel> tcpChannel;

    ServerTransport(Supplier<IoHandlerFactory> handlers, Class<? extends ServerChannel> unixChannel,
            Class<? extends ServerChannel> tcpChannel) {
        this.handlers = handlers;
        this.unixChannel = unixChannel;
        this.tcpChannel = tcpChannel;
    }

    /**
     * Epoll only where the tree asked for it: elsewhere (tests on a plain class path) netty would extract its
     * library from the jar into the temp directory first, which is what the tree avoids.
     */
    static ServerTransport select() {
        return Boolean.getBoolean(EPOLL_PROPERTY) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** One event-loop thread from {@code threads}. */
    EventLoopGroup newLoop(ThreadFactory threads) {
        return new MultiThreadIoEventLoopGroup(1, threads, handlers.get());
    }

    Class<? extends ServerChannel> unixChannel() {
        return unixChannel;
    }

    Class<? extends ServerChannel> tcpChannel() {
        return tcpChannel;
    }

    /** The unix-socket address type the transport's channel binds to. */
    SocketAddress unixAddress(Path socket) {
        return this == EPOLL ? new DomainSocketAddress(socket.toString()) : UnixDomainSocketAddress.of(socket);
    }
}
