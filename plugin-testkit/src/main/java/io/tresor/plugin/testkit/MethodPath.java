package io.tresor.plugin.testkit;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;

import java.util.concurrent.TimeUnit;

/**
 * Calls a unary RPC by its literal full method path, as Velero's generated Go client does (e.g.
 * {@code /generated.BackupItemAction/Execute}), so tests pin the wire paths, not Java stub names.
 */
public final class MethodPath {
    private MethodPath() {
    }

    /** Sends {@code request} to {@code path}; {@code responseType} is the response's default instance. */
    public static <Q extends Message, R extends Message> R call(Channel channel, String path, Q request, R responseType) {
        @SuppressWarnings("unchecked")
        MethodDescriptor<Q, R> method = MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(path.startsWith("/") ? path.substring(1) : path)
                .setRequestMarshaller(ProtoUtils.marshaller((Q) request.getDefaultInstanceForType()))
                .setResponseMarshaller(ProtoUtils.marshaller(responseType))
                .build();
        return ClientCalls.blockingUnaryCall(channel, method,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
    }
}
