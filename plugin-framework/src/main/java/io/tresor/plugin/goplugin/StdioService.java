package io.tresor.plugin.goplugin;

import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tresor.proto.goplugin.GRPCStdioGrpc;
import io.tresor.proto.goplugin.StdioData;

/**
 * {@code /plugin.GRPCStdio/StreamStdio}: held open and never written, which is what makes Velero's side quiet
 * (answering UNIMPLEMENTED could log two warnings per start).
 */
final class StdioService extends GRPCStdioGrpc.GRPCStdioImplBase {

    @Override
    public void streamStdio(Empty request, StreamObserver<StdioData> responses) {
        ((ServerCallStreamObserver<StdioData>) responses).setOnCancelHandler(() -> { });
    }
}
