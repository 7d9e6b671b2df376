package io.tresor.plugin.goplugin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tresor.proto.health.HealthCheckRequest;
import io.tresor.proto.health.HealthCheckResponse;
import io.tresor.proto.health.HealthCheckResponse.ServingStatus;
import io.tresor.proto.health.HealthGrpc;

/**
 * {@code /grpc.health.v1.Health}: go-plugin's client checks service {@code plugin}; "" is the server as a whole.
 * Both are SERVING for the process' whole life (it stops by exiting), so no status bookkeeping is needed; unknown
 * services are NOT_FOUND on Check and SERVICE_UNKNOWN on Watch, as in gRPC's own implementation.
 */
final class HealthService extends HealthGrpc.HealthImplBase {
    static final String PLUGIN = "plugin";

    private static boolean known(String service) {
        return service.isEmpty() || service.equals(PLUGIN);
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        if (!known(request.getService())) {
            response.onError(Status.NOT_FOUND.withDescription("unknown service " + request.getService())
                    .asRuntimeException());
            return;
        }
        response.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
        response.onCompleted();
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        // The status never changes: send it once and keep the stream open until the client cancels.
        ((ServerCallStreamObserver<HealthCheckResponse>) response).setOnCancelHandler(() -> { });
        response.onNext(HealthCheckResponse.newBuilder()
                .setStatus(known(request.getService()) ? ServingStatus.SERVING : ServingStatus.SERVICE_UNKNOWN)
                .build());
    }
}
