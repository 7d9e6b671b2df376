package io.tresor.plugin.goplugin;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.protobuf.ProtoUtils;

import java.io.InputStream;
import java.util.function.Supplier;

/**
 * gRPC's protobuf marshaller for a message class that is initialised on the first call, not when the service is
 * bound. For protobuf's own well-known types (google.protobuf.Empty, Timestamp): their classes still run protobuf's
 * gencode version check, whose set-up costs every plugin process ~5-12 ms of CPU before the handshake (see
 * proto/pom.xml) unless nothing initialises them that early.
 */
public final class LazyProtoMarshaller<T extends Message> implements Marshaller<T> {
    private final Supplier<T> defaultInstance;
    private volatile Marshaller<T> delegate;

    private LazyProtoMarshaller(Supplier<T> defaultInstance) {
        this.defaultInstance = defaultInstance;
    }

    /** A marshaller that calls {@code defaultInstance} on its first use only. */
    public static <T extends Message> LazyProtoMarshaller<T> of(Supplier<T> defaultInstance) {
        return new LazyProtoMarshaller<>(defaultInstance);
    }

    /** A unary method descriptor with {@code response} marshalled lazily. */
    public static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(String service, String method,
            Q requestDefault, Supplier<R> response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(ProtoUtils.marshaller(requestDefault))
                .setResponseMarshaller(of(response))
                .build();
    }

    private Marshaller<T> delegate() {
        Marshaller<T> d = delegate;
        if (d == null) {
            // A race builds two equal marshallers; either one is fine.
            d = ProtoUtils.marshaller(defaultInstance.get());
            delegate = d;
        }
        return d;
    }

    @Override
    public InputStream stream(T value) {
        return delegate().stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        return delegate().parse(stream);
    }
}
