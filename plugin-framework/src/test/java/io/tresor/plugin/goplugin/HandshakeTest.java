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

    @Test
    void aSocketNameAlreadyTakenIsSkippedAndTheFileLeftAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path taken = java.nio.file.Files.writeString(dir.resolve("tresor-plugin-taken.sock"), "not ours");
        java.nio.file.Path fresh = dir.resolve("tresor-plugin-fresh.sock");
        var names = java.util.List.of(taken, fresh).iterator();

        GoPluginServer server = GoPluginServer.start(new io.grpc.util.MutableHandlerRegistry(), names::next);
        try {
            assertThat(server.endpoint()).isEqualTo(new GoPluginServer.Endpoint("unix", fresh.toString()));
            assertThat(java.nio.file.Files.readString(taken)).isEqualTo("not ours");
        } finally {
            server.stop(java.time.Duration.ofMillis(100));
        }
        assertThat(fresh).doesNotExist();
    }

    @Test
    void withoutAUsableSocketPathItListensOnLoopbackTcpOnly() throws Exception {
        GoPluginServer server = GoPluginServer.start(new io.grpc.util.MutableHandlerRegistry(), () -> null);
        try {
            assertThat(server.endpoint().network()).isEqualTo("tcp");
            assertThat(server.endpoint().address()).matches("127\\.0\\.0\\.1:\\d+");
            // the announced address is the one bound: a client dialling it as go-plugin does gets through
            int port = Integer.parseInt(server.endpoint().address().substring("127.0.0.1:".length()));
            try (java.net.Socket dial = new java.net.Socket("127.0.0.1", port)) {
                assertThat(dial.isConnected()).isTrue();
            }
        } finally {
            server.stop(java.time.Duration.ofMillis(100));
        }
    }
}
