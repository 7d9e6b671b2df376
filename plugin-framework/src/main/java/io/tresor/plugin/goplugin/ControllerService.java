package io.tresor.plugin.goplugin;

import io.grpc.stub.StreamObserver;
import io.tresor.proto.goplugin.Empty;
import io.tresor.proto.goplugin.GRPCControllerGrpc;

/** {@code /plugin.GRPCController/Shutdown}: Velero's request to exit; it waits 2 s, then SIGKILLs. */
final class ControllerService extends GRPCControllerGrpc.GRPCControllerImplBase {
    private final Runnable onShutdown;

    ControllerService(Runnable onShutdown) {
        this.onShutdown = onShutdown;
    }

    @Override
    public void shutdown(Empty request, StreamObserver<Empty> observer) {
        observer.onNext(Empty.getDefaultInstance());
        observer.onCompleted();
        onShutdown.run();
    }
}
