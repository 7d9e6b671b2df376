package io.tresor.plugin.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode render(LogLevel level, String msg, List<Map.Entry<String, Object>> fields, Throwable t)
            throws Exception {
        byte[] line = LogLine.render(level, msg, "io.tresor.X", "io/tresor/X.java:7", fields, t);
        String s = new String(line, StandardCharsets.UTF_8);
        assertThat(s).endsWith("\n");
        assertThat(s.substring(0, s.length() - 1)).doesNotContain("\n");
        return JSON.readTree(s);
    }

    @Test
    void writesTheFieldsVeleroReads() throws Exception {
        JsonNode n = render(LogLevel.WARN, "volume not frozen", List.of(new SimpleEntry<>("pvc", "shop/data")), null);
        assertThat(n.get("@level").asText()).isEqualTo("warn");
        assertThat(n.get("@message").asText()).isEqualTo("volume not frozen");
        assertThat(n.get("@logSourceSetBy").asText()).isEqualTo("plugin");
        assertThat(n.get("logSource").asText()).isEqualTo("io/tresor/X.java:7");
        assertThat(n.get("pvc").asText()).isEqualTo("shop/data");
        assertThat(n.has("@timestamp")).isFalse();
    }

    @Test
    void fieldsThatWouldPanicVeleroAreMadeSafe() throws Exception {
        JsonNode n = render(LogLevel.INFO, "m", List.of(
                new SimpleEntry<>("namespace", 3), new SimpleEntry<>("name", List.of(1)),
                new SimpleEntry<>("resource", null), new SimpleEntry<>("@message", 1),
                new SimpleEntry<>("@level", 2), new SimpleEntry<>("time", "now"), new SimpleEntry<>("count", 5)), null);
        assertThat(n.get("namespace").isTextual()).isTrue();
        assertThat(n.get("name").asText()).isEqualTo("[1]");
        assertThat(n.get("resource").asText()).isEmpty();
        assertThat(n.get("@message").asText()).isEqualTo("m");
        assertThat(n.get("@level").asText()).isEqualTo("info");
        assertThat(n.get("field.message").asInt()).isEqualTo(1);
        assertThat(n.get("field.time").asText()).isEqualTo("now");
        assertThat(n.get("count").isNumber()).isTrue();
    }

    @Test
    void errorsCarryTheirThrowSiteAndLongMessagesAreCut() throws Exception {
        JsonNode n = render(LogLevel.ERROR, "y".repeat(100_000), null, new IllegalStateException("boom"));
        assertThat(n.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(n.get("error.file").asText()).startsWith("io/tresor/plugin/logging/LogLineTest.java:");
        assertThat(n.get("error.function").asText()).endsWith("LogLineTest.errorsCarryTheirThrowSiteAndLongMessagesAreCut");
        assertThat(n.get("@message").asText().length()).isLessThan(LogLine.MAX_MESSAGE_CHARS + 100);
    }

    @Test
    void veleroLevelNamesMapToTheFiveHclogLevels() {
        assertThat(LogLevel.fromVeleroFlag("warning")).contains(LogLevel.WARN);
        assertThat(LogLevel.fromVeleroFlag("PANIC")).contains(LogLevel.ERROR);
        assertThat(LogLevel.fromVeleroFlag("loud")).isEmpty();
        assertThat(LogLevel.INFO.admits(LogLevel.WARN)).isTrue();
        assertThat(LogLevel.INFO.admits(LogLevel.DEBUG)).isFalse();
    }

    @Test
    void sinkDropsNettyChatterThatVeleroWouldCountAsWarnings() {
        LogSink sink = new LogSink(new java.io.ByteArrayOutputStream());
        assertThat(sink.enabled("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap", LogLevel.WARN)).isFalse();
        assertThat(sink.enabled("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap", LogLevel.ERROR)).isTrue();
        assertThat(sink.enabled("io.tresor.x", LogLevel.WARN)).isTrue();
        assertThat(sink.enabled("io.tresor.x", LogLevel.DEBUG)).isFalse();
    }
}
