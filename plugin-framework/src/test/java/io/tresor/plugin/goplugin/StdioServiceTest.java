package io.tresor.plugin.goplugin;

import io.grpc.MethodDescriptor;
import io.tresor.proto.goplugin.GRPCStdioGrpc;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** StreamStdio is bound by hand (its Empty request is read and dropped): same method as go-plugin's definition. */
class StdioServiceTest {

    @Test
    void servesExactlyGoPluginsStreamStdio() {
        MethodDescriptor<?, ?> generated = GRPCStdioGrpc.getStreamStdioMethod();
        assertThat(new StdioService().bindService().getMethods()).singleElement().satisfies(m -> {
            assertThat(m.getMethodDescriptor().getFullMethodName()).isEqualTo(generated.getFullMethodName())
                    .isEqualTo("plugin.GRPCStdio/StreamStdio");
            assertThat(m.getMethodDescriptor().getType()).isEqualTo(generated.getType());
        });
    }

    @Test
    void theRequestIsReadToTheEndAndDropped() {
        // an Empty with an unknown field, as a newer client might send: still nothing to look at
        ByteArrayInputStream request = new ByteArrayInputStream(new byte[] {0x08, 0x01});
        assertThat(StdioService.STREAM_STDIO.parseRequest(request)).isNotNull();
        assertThat(request.available()).isZero();
    }
}
