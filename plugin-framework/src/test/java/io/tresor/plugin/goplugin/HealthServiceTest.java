package io.tresor.plugin.goplugin;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tresor.proto.health.HealthCheckRequest;
import io.tresor.proto.health.HealthCheckResponse;
import io.tresor.proto.health.HealthCheckResponse.ServingStatus;
import io.tresor.proto.health.HealthGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class HealthServiceTest {
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new HealthService()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static HealthCheckRequest service(String s) {
        return HealthCheckRequest.newBuilder().setService(s).build();
    }

    @ParameterizedTest
    @CsvSource(value = {"plugin", "''"})
    void goPluginsServiceAndTheServerAsAWholeAreServing(String service) {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).check(service(service));
        assertThat(r.getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void anUnknownServiceIsNotFoundAsInGrpcsOwnImplementation() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> HealthGrpc.newBlockingStub(channel).check(service("velero")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("velero");
    }

    @Test
    void watchSendsTheStatusAndStaysOpen() {
        Iterator<HealthCheckResponse> plugin = HealthGrpc.newBlockingStub(channel).watch(service("plugin"));
        assertThat(plugin.next().getStatus()).isEqualTo(ServingStatus.SERVING);
        Iterator<HealthCheckResponse> other = HealthGrpc.newBlockingStub(channel).watch(service("other"));
        assertThat(other.next().getStatus()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
    }
}
