package io.tresor.serverlogging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * java.util.logging after {@link ServerLogLevel#apply}, each case in its own JVM ({@link JulProbe}): slf4j-simple reads
 * its settings once per process and JUL's root handlers are global, so in-process cases would see each other's.
 */
class JulRoutingTest {

    @Test
    void aJulRecordIsOneSlf4jSimpleLineOnStderr() throws Exception {
        List<String> lines = probe(List.of(), "info").lines();
        assertThat(lines.stream().filter(l -> l.contains("probe-warning")))
                .containsExactly("[main] WARN io.grpc.netty - probe-warning");
        assertThat(lines).contains("[main] ERROR io.grpc.netty - probe-severe", "[main] INFO io.grpc.netty - probe-info",
                "[main] WARN jdk.probe - probe-platform");
        assertThat(lines).as("no JUL console format (date line, then LEVEL: message)")
                .noneMatch(l -> l.startsWith("WARNING:") || l.startsWith("SEVERE:") || l.startsWith("INFO:"));
    }

    @Test
    void infoDropsFineRecordsInJul() throws Exception {
        Probe info = probe(List.of(), "info");
        assertThat(info.err()).contains("probe-info").doesNotContain("probe-fine").doesNotContain("probe-finest");
        assertThat(info.out()).isEqualTo("fine-loggable=false\n");
    }

    @Test
    void debugShowsFineRecordsAsDebug() throws Exception {
        Probe debug = probe(List.of(), "debug");
        assertThat(debug.lines()).contains("[main] DEBUG io.grpc.netty - probe-fine");
        assertThat(debug.err()).doesNotContain("probe-finest");
        assertThat(debug.out()).isEqualTo("fine-loggable=true\n");
    }

    @Test
    void traceShowsFinestRecordsAsTrace() throws Exception {
        assertThat(probe(List.of(), "trace").lines()).contains("[main] DEBUG io.grpc.netty - probe-fine",
                "[main] TRACE io.grpc.netty - probe-finest");
    }

    @Test
    void warnDropsInfoRecords() throws Exception {
        assertThat(probe(List.of(), "warn").err()).contains("probe-warning").doesNotContain("probe-info");
    }

    @Test
    void unsetFollowsSlf4jSimplesOwnDefaultLevel() throws Exception {
        // an admin's -Dorg.slf4j.simpleLogger.defaultLogLevel in JAVA_TOOL_OPTIONS raises JUL's level too
        assertThat(probe(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"), "").lines())
                .contains("[main] DEBUG io.grpc.netty - probe-fine");
        assertThat(probe(List.of(), "").err()).contains("probe-info").doesNotContain("probe-fine");
    }

    /** What {@link JulProbe} wrote. */
    private record Probe(String out, String err) {
        List<String> lines() {
            return err.lines().toList();
        }
    }

    /** {@link JulProbe} run at {@code level}. */
    private static Probe probe(List<String> jvmOptions, String level) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.addAll(List.of(JulProbe.class.getName(), level));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return new Probe(out, err);
    }
}
