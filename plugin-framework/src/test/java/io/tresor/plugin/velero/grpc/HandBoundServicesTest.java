package io.tresor.plugin.velero.grpc;

import com.google.protobuf.Empty;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.tresor.plugin.goplugin.LazyProtoMarshaller;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.v2.BackupItemActionGrpc;
import io.tresor.proto.velero.v2.RestoreItemActionGrpc;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The v2 services bind by hand (Cancel's Empty marshalled lazily): the same methods as the generated bindings. */
class HandBoundServicesTest {
    private static final PluginRegistry NONE = PluginRegistry.builder().build();

    @Test
    void backupItemActionV2ServesExactlyTheGeneratedMethods() {
        assertThat(methods(new BackupItemActionV2Service(NONE, Runnable::run).bindService().getServiceDescriptor()))
                .isEqualTo(methods(BackupItemActionGrpc.getServiceDescriptor()))
                .containsKey("v2.BackupItemAction/Cancel");
    }

    @Test
    void restoreItemActionV2ServesExactlyTheGeneratedMethods() {
        assertThat(methods(new RestoreItemActionV2Service(NONE, Runnable::run).bindService().getServiceDescriptor()))
                .isEqualTo(methods(RestoreItemActionGrpc.getServiceDescriptor()))
                .containsKey("v2.RestoreItemAction/AreAdditionalItemsReady");
    }

    @Test
    void theLazyMarshallerAsksForItsMessageOnlyWhenUsedAndThenRoundTrips() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        LazyProtoMarshaller<Empty> m = LazyProtoMarshaller.of(() -> {
            asked.incrementAndGet();
            return Empty.getDefaultInstance();
        });
        assertThat(asked).hasValue(0);
        byte[] wire = m.stream(Empty.getDefaultInstance()).readAllBytes();
        assertThat(wire).isEmpty();
        assertThat(m.parse(new java.io.ByteArrayInputStream(wire))).isEqualTo(Empty.getDefaultInstance());
        assertThat(asked).hasValue(1);
    }

    /** Full method name → type. */
    private static Map<String, MethodDescriptor.MethodType> methods(ServiceDescriptor d) {
        Map<String, MethodDescriptor.MethodType> m = new TreeMap<>();
        d.getMethods().forEach(md -> m.put(md.getFullMethodName(), md.getType()));
        return m;
    }

}
