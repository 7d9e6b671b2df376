package io.tresor.plugin.goplugin;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeTest {

    @Test
    void lineHasGoPluginsSixFieldsWithAnEmptyCertificate() {
        assertThat(Handshake.line("unix", "/tmp/tresor-plugin-ab.sock")).isEqualTo("1|2|unix|/tmp/tresor-plugin-ab.sock|grpc|");
        assertThat(Handshake.line("tcp", "127.0.0.1:41234")).isEqualTo("1|2|tcp|127.0.0.1:41234|grpc|");
        assertThatThrownBy(() -> Handshake.line("udp", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Handshake.line("unix", "/tmp/a|b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void servesOnlyWithVelerosCookieAndProtocolTwo() {
        assertThat(Handshake.refusal(Map.of("VELERO_PLUGIN", "hello"))).isEmpty();
        assertThat(Handshake.refusal(Map.of("VELERO_PLUGIN", "hello", "PLUGIN_PROTOCOL_VERSIONS", "2"))).isEmpty();
        assertThat(Handshake.refusal(Map.of("VELERO_PLUGIN", "hello", "PLUGIN_PROTOCOL_VERSIONS", "1, 2"))).isEmpty();
        assertThat(Handshake.refusal(Map.of())).get().asString().contains("This binary is a plugin");
        assertThat(Handshake.refusal(Map.of("VELERO_PLUGIN", "hello "))).isPresent();
        assertThat(Handshake.refusal(Map.of("VELERO_PLUGIN", "hello", "PLUGIN_PROTOCOL_VERSIONS", "1,3")))
                .get().asString().contains("Incompatible API version");
    }

    @Test
    void socketPathsAreFreshAndPreferTmpdir(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        var a = GoPluginServer.socketPath(Map.of("TMPDIR", dir.toString()));
        var b = GoPluginServer.socketPath(Map.of("TMPDIR", dir.toString()));
        assertThat(a.getParent()).isEqualTo(dir);
        assertThat(a).isNotEqualTo(b);
        assertThat(GoPluginServer.socketPath(Map.of("TMPDIR", "/nonexistent/dir")).getParent().toString()).isEqualTo("/tmp");
        String longDir = dir.resolve("x".repeat(120)).toString();
        assertThat(GoPluginServer.socketPath(Map.of("TMPDIR", longDir)).getParent().toString()).isEqualTo("/tmp");
    }
}
