package io.tresor.plugin.goplugin;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tresor.proto.goplugin.ConnInfo;
import io.tresor.proto.goplugin.GRPCBrokerGrpc;

/**
 * {@code /plugin.GRPCBroker/StartStream}: go-plugin opens it after connecting; Velero never brokers anything,
 * so the stream is held open and idle until the client goes away.
 */
final class BrokerService extends GRPCBrokerGrpc.GRPCBrokerImplBase {

    @Override
    public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> responses) {
        ((ServerCallStreamObserver<ConnInfo>) responses).setOnCancelHandler(() -> { });
        return new StreamObserver<>() {
            @Override
            public void onNext(ConnInfo value) {
                // No brokered connections are offered.
            }

            @Override
            public void onError(Throwable t) {
                // Client went away.
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }
}
