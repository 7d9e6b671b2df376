package io.tresor.plugin.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
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

    @Test
    void atDebugAndTraceTheHttpClientsThatEchoRequestsStaySilentAndTheirWarningsDoNot() {
        LogSink sink = new LogSink(new java.io.ByteArrayOutputStream());
        sink.setThreshold(LogLevel.TRACE);
        for (String echoing : new String[] {"org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers",
                "software.amazon.awssdk.auth.signer.Aws4Signer", "software.amazon.awssdk.request",
                "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor", "jdk.internal.httpclient.debug"}) {
            assertThat(sink.enabled(echoing, LogLevel.DEBUG)).as(echoing).isFalse();
            assertThat(sink.enabled(echoing, LogLevel.TRACE)).as(echoing).isFalse();
            assertThat(sink.enabled(echoing, LogLevel.WARN)).as(echoing).isTrue();
        }
        assertThat(sink.enabled("io.tresor.imagearchive.s3.S3BlobStore", LogLevel.TRACE)).isTrue();
        assertThat(sink.enabled("io.fabric8.kubernetes.client.informers.SharedIndexInformer", LogLevel.DEBUG)).isTrue();
    }

    @Test
    void aValueThatContainsItselfIsRenderedWithoutFailing() throws Exception {
        Map<String, Object> a = new HashMap<>();
        Map<String, Object> b = new HashMap<>();
        a.put("b", b);
        b.put("a", a);
        JsonNode n = render(LogLevel.INFO, "cycle", List.of(new SimpleEntry<>("spec", a)), null);
        assertThat(n.get("@message").asText()).isEqualTo("cycle");
        assertThat(n.get("spec").asText()).isEqualTo("<java.util.HashMap.toString() failed>");
    }

    @Test
    void aLoggerCallWithAnArgumentThatContainsItselfNeverThrows() {
        Map<String, Object> a = new HashMap<>();
        a.put("self", List.of(a));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        VeleroLogger log = new VeleroLogger("io.tresor.X", new LogSink(err));
        log.info("item {} skipped", a);
        log.atWarn().addKeyValue("item", a).log("cannot freeze");
        String lines = err.toString(StandardCharsets.UTF_8);
        // SLF4J's formatter stands in for the argument; the key-value field gets ours
        assertThat(lines).contains("\"@message\":\"item [FAILED toString()] skipped\"")
                .contains("\"item\":\"<java.util.HashMap.toString() failed>\"");
    }

    @Test
    void aLineStaysUnderGoPluginsLineBufferWhateverItsFieldsAndMessage() throws Exception {
        // Many long fields, and a message of control characters (6 bytes each as JSON escapes) and emoji (4 bytes).
        List<Map.Entry<String, Object>> fields = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            fields.add(new SimpleEntry<>("field" + i, "\u0001".repeat(LogLine.MAX_FIELD_CHARS)));
        }
        String message = "\u0002".repeat(8000) + "\uD83D\uDE00".repeat(4000);
        byte[] line = LogLine.render(LogLevel.ERROR, message, "io.tresor.X", "io/tresor/X.java:7", fields,
                new IllegalStateException("\u0003".repeat(10_000)));
        assertThat(line.length).isLessThanOrEqualTo(LogLine.MAX_LINE_BYTES + 1);
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("@level").asText()).isEqualTo("error");
        assertThat(n.get("@message").asText()).startsWith("\u0002\u0002").contains("truncated");
        assertThat(n.get("fieldsDropped").asInt()).isBetween(1, 60);
        assertThat(n.get("field0").asText()).startsWith("\u0001");
        assertThat(n.get("error").asText()).startsWith("java.lang.IllegalStateException: ");

        List<Map.Entry<String, Object>> plain = List.of(new SimpleEntry<>("a", "x".repeat(LogLine.MAX_FIELD_CHARS)),
                new SimpleEntry<>("b", "y".repeat(LogLine.MAX_FIELD_CHARS)));
        JsonNode usual = JSON.readTree(LogLine.render(LogLevel.INFO, "m", "io.tresor.X", null, plain, null));
        assertThat(usual.get("b").asText()).hasSize(LogLine.MAX_FIELD_CHARS);
        assertThat(usual.has("fieldsDropped")).isFalse();
    }
}
