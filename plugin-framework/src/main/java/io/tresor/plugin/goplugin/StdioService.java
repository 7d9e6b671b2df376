package io.tresor.plugin.goplugin;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.tresor.proto.goplugin.GRPCStdioGrpc;
import io.tresor.proto.goplugin.StdioData;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code /plugin.GRPCStdio/StreamStdio}: held open and never written, which is what makes Velero's side quiet
 * (answering UNIMPLEMENTED could log two warnings per start).
 *
 * <p>Bound by hand, not through the generated base class: the request is a google.protobuf.Empty, and parsing one
 * would initialise protobuf's Empty and with it protobuf's version check (~5-12 ms of CPU, see proto/pom.xml) in
 * every process, at Velero's connect. The request carries nothing, so its bytes are read and dropped.
 */
final class StdioService implements BindableService {
    /** The full method name and type, as in plugin.GRPCStdio. */
    static final MethodDescriptor<Object, StdioData> STREAM_STDIO = MethodDescriptor.<Object, StdioData>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(GRPCStdioGrpc.SERVICE_NAME, "StreamStdio"))
            .setRequestMarshaller(new IgnoredRequest())
            .setResponseMarshaller(ProtoUtils.marshaller(StdioData.getDefaultInstance()))
            .build();

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(GRPCStdioGrpc.SERVICE_NAME)
                .addMethod(STREAM_STDIO, ServerCalls.asyncServerStreamingCall((request, responses) ->
                        ((ServerCallStreamObserver<StdioData>) responses).setOnCancelHandler(() -> { })))
                .build();
    }

    /** Reads a request's bytes and drops them; an empty message on the way out. */
    private static final class IgnoredRequest implements MethodDescriptor.Marshaller<Object> {
        private static final Object REQUEST = new Object();

        @Override
        public InputStream stream(Object value) {
            return InputStream.nullInputStream();
        }

        @Override
        public Object parse(InputStream stream) {
            try (stream) {
                stream.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("cannot read the StreamStdio request").withCause(e)
                        .asRuntimeException();
            }
            return REQUEST;
        }
    }
}
