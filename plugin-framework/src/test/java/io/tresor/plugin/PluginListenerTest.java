package io.tresor.plugin;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tresor.plugin.goplugin.GoPluginServer;
import io.tresor.plugin.goplugin.PluginChannel;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.plugin.velero.grpc.PluginListerService;
import io.tresor.proto.health.HealthCheckRequest;
import io.tresor.proto.health.HealthCheckResponse.ServingStatus;
import io.tresor.proto.health.HealthGrpc;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.PluginListerGrpc;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.api.ResourceSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginListenerTest {
    private static final DeleteItemAction NOOP = new DeleteItemAction() {
        @Override
        public ResourceSelector appliesTo() {
            return ResourceSelector.all();
        }

        @Override
        public void execute(io.tresor.plugin.api.DeleteItemRequest request) {
        }
    };

    @Test
    void servicesAddedAfterTheBindAreServedAndCreatedOnTheListenersThread(@TempDir Path tmp) throws Exception {
        PluginListener listener = PluginListener.start(Map.of("TMPDIR", tmp.toString()), () -> { });
        PluginRegistry registry = PluginRegistry.builder()
                .add(PluginKind.DELETE_ITEM_ACTION, "tresor.io/late", NOOP).build();
        AtomicReference<String> createdOn = new AtomicReference<>();
        GoPluginServer server = listener.finish(() -> {
            createdOn.set(Thread.currentThread().getName());
            return List.of(new PluginListerService(registry, "/plugins/tresor"));
        });
        ManagedChannel channel = PluginChannel.dial(server.endpoint().network(), server.endpoint().address());
        try {
            assertThat(server.endpoint().network()).isEqualTo("unix");
            assertThat(Files.exists(Path.of(server.endpoint().address()))).isTrue();
            assertThat(HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.newBuilder().setService("plugin").build()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            ListPluginsResponse list = PluginListerGrpc.newBlockingStub(channel).listPlugins(Empty.getDefaultInstance());
            assertThat(list.getPluginsList()).extracting(p -> p.getName()).containsExactly("tresor.io/late");
            assertThat(createdOn.get()).isEqualTo("tresor-start");
        } finally {
            channel.shutdownNow();
            server.stop(Duration.ofMillis(100));
        }
        assertThat(Files.exists(Path.of(server.endpoint().address()))).as("socket removed on stop").isFalse();
    }

    @Test
    void aServiceThatCannotBeCreatedFailsTheStartWithItsCause(@TempDir Path tmp) {
        PluginListener listener = PluginListener.start(Map.of("TMPDIR", tmp.toString()), () -> { });
        assertThatThrownBy(() -> listener.finish(() -> {
            throw new IllegalStateException("registry broken");
        })).isInstanceOf(IllegalStateException.class).hasMessage("registry broken");
    }

    @Test
    void anUnknownMethodIsUnimplementedNotAHang(@TempDir Path tmp) throws Exception {
        GoPluginServer server = PluginListener.start(Map.of("TMPDIR", tmp.toString()), () -> { }).finish(List::of);
        ManagedChannel channel = PluginChannel.dial(server.endpoint().network(), server.endpoint().address());
        try {
            assertThatThrownBy(() -> PluginListerGrpc.newBlockingStub(channel).listPlugins(Empty.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        } finally {
            channel.shutdownNow();
            server.stop(Duration.ofMillis(100));
        }
    }
}
