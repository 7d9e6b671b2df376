package io.tresor.plugin.goplugin;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.StreamObserver;
import io.tresor.proto.goplugin.GRPCBrokerGrpc;
import io.tresor.proto.goplugin.GRPCStdioGrpc;

import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a handshake: dials the announced address the way go-plugin does (plain-text HTTP/2,
 * authority {@code unused}). Used by the test kit and by the AOT training run.
 */
public final class PluginChannel {
    private PluginChannel() {
    }

    /** Dials {@code network}/{@code address} from a handshake line. */
    public static ManagedChannel dial(String network, String address) {
        NettyChannelBuilder b;
        if (network.equals("unix")) {
            EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("plugin-client", true));
            b = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(address))
                    .eventLoopGroup(group)
                    .channelType(NioDomainSocketChannel.class);
            ManagedChannel ch = b.usePlaintext().overrideAuthority("unused")
                    .maxInboundMessageSize(Integer.MAX_VALUE).build();
            return new ClosingChannel(ch, group);
        } else if (network.equals("tcp")) {
            int colon = address.lastIndexOf(':');
            b = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            return b.usePlaintext().overrideAuthority("unused").maxInboundMessageSize(Integer.MAX_VALUE).build();
        }
        throw new IllegalArgumentException("Unknown address type: " + network);
    }

    /**
     * Opens go-plugin's stdio stream and broker stream on {@code channel} and leaves both open, as go-plugin's client
     * does right after it connects (Velero's included); they end when the channel is shut down.
     */
    public static void openGoPluginStreams(ManagedChannel channel) {
        GRPCStdioGrpc.newStub(channel).streamStdio(com.google.protobuf.Empty.getDefaultInstance(), new Ignoring<>());
        GRPCBrokerGrpc.newStub(channel).startStream(new Ignoring<>());
    }

    /** go-plugin's client neither sends on nor reads from either stream in Velero's use. */
    private static final class Ignoring<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

    /** Shuts the private event loop down with the channel. */
    private static final class ClosingChannel extends ManagedChannel {
        private final ManagedChannel delegate;
        private final EventLoopGroup group;

        ClosingChannel(ManagedChannel delegate, EventLoopGroup group) {
            this.delegate = delegate;
            this.group = group;
        }

        @Override
        public ManagedChannel shutdown() {
            delegate.shutdown();
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            return this;
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public ManagedChannel shutdownNow() {
            delegate.shutdownNow();
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            return this;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }

        @Override
        public <Q, R> io.grpc.ClientCall<Q, R> newCall(io.grpc.MethodDescriptor<Q, R> method, io.grpc.CallOptions options) {
            return delegate.newCall(method, options);
        }

        @Override
        public String authority() {
            return delegate.authority();
        }
    }
}
