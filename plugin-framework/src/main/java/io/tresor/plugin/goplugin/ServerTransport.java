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

import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
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

    /**
     * Set in the packaged tree's jvmopts to the file of netty's epoll library, which lies on {@code java.library.path}
     * there.
     */
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
     * Epoll only where the tree ships netty's library: elsewhere (tests on a plain class path, a tree copied without
     * its native/ directory) netty would extract the library from the jar into the temp directory first, at every
     * start, which is what the tree avoids. Then, and if epoll fails, the JDK's channels serve and a warning says why.
     */
    static ServerTransport select() {
        String library = System.getProperty(EPOLL_PROPERTY);
        if (library == null) {
            return NIO;
        }
        String cause;
        if (!Files.isReadable(Path.of(library))) {
            cause = "netty's epoll library " + library + " is missing from the plugin tree (install the whole tree)";
        } else if (Epoll.isAvailable()) {
            return EPOLL;
        } else {
            cause = String.valueOf(Epoll.unavailabilityCause());
        }
        LoggerFactory.getLogger(ServerTransport.class).atWarn().addKeyValue("cause", cause)
                .log("netty's epoll transport is unavailable; the plugin listens with the JDK's NIO channels");
        return NIO;
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
