package io.tresor.plugin.goplugin;

import io.grpc.ManagedChannel;
import io.grpc.util.MutableHandlerRegistry;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.tresor.proto.health.HealthCheckRequest;
import io.tresor.proto.health.HealthCheckResponse.ServingStatus;
import io.tresor.proto.health.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ServerTransportTest {

    @Test
    void aTreeWithoutTheLibraryFileFallsBackToTheJdksChannels(@TempDir Path dir) {
        System.setProperty(ServerTransport.EPOLL_PROPERTY, dir.resolve("libmissing.so").toString());
        try {
            assertThat(ServerTransport.select()).isEqualTo(ServerTransport.NIO);
        } finally {
            System.clearProperty(ServerTransport.EPOLL_PROPERTY);
        }
    }

    @Test
    void withoutTheTreesPropertyTheJdksChannelsAreUsed() {
        // The test JVM has no tresor.transport.epoll: netty would extract its library to the temp dir to use epoll.
        assertThat(System.getProperty(ServerTransport.EPOLL_PROPERTY)).isNull();
        assertThat(ServerTransport.select()).isEqualTo(ServerTransport.NIO);
    }

    @ParameterizedTest
    @EnumSource(ServerTransport.class)
    void eachTransportServesGoPluginOnAUnixSocketAndRemovesItOnStop(ServerTransport transport, @TempDir Path dir)
            throws Exception {
        if (transport == ServerTransport.EPOLL) {
            assumeTrue(Epoll.isAvailable(), () -> "netty's epoll is not available here: " + Epoll.unavailabilityCause());
        }
        Path socket = dir.resolve("plugin.sock");
        GoPluginServer server = GoPluginServer.start(new MutableHandlerRegistry(), () -> socket, transport);
        try {
            assertThat(server.endpoint()).isEqualTo(new GoPluginServer.Endpoint("unix", socket.toString()));
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("socket file").isTrue();
            ManagedChannel channel = PluginChannel.dial("unix", socket.toString());
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService("plugin").build()).getStatus())
                        .isEqualTo(ServingStatus.SERVING);
            } finally {
                channel.shutdownNow();
            }
        } finally {
            server.stop(Duration.ofMillis(200));
        }
        assertThat(socket).doesNotExist();
    }
}
