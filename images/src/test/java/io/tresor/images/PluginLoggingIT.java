package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.plugin.testkit.actions.TestActions;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;
import io.tresor.plugin.testkit.MethodPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin's stderr as Velero's go-plugin host parses it (protocol doc §1.4 and §5). */
class PluginLoggingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Pattern SOURCE = Pattern.compile("[\\w/$.-]+\\.java:\\d+");

    @Test
    void everyLineIsValidVeleroJsonEvenUnderConcurrentLoadWithHostileFields() throws Exception {
        List<String> lines = runLoggingAction(List.of("--log-level", "debug", "--features=EnableCSI"), 40);
        assertThat(lines).isNotEmpty();
        int infoLines = 0;
        for (String line : lines) {
            assertThat(line.length()).as("below go-plugin's 64 KiB line buffer").isLessThan(64 * 1024);
            JsonNode n = JSON.readTree(line);
            assertThat(n.isObject()).as(line).isTrue();
            assertThat(n.get("@message").isTextual()).as(line).isTrue();
            assertThat(n.get("@level").isTextual()).as(line).isTrue();
            assertThat(LEVELS).as(line).contains(n.get("@level").asText());
            assertThat(n.has("@timestamp")).as(line).isFalse();
            for (String mustBeString : new String[] {"namespace", "name", "resource"}) {
                if (n.has(mustBeString)) {
                    assertThat(n.get(mustBeString).isTextual()).as(mustBeString + " in " + line).isTrue();
                }
            }
            assertThat(n.path("@logSourceSetBy").asText()).isEqualTo("plugin");
            if (n.has("logSource")) {
                assertThat(n.get("logSource").asText()).matches(SOURCE);
            }
            if (n.path("@message").asText().startsWith("info line for")) {
                infoLines++;
                assertThat(n.get("namespace").asText()).isEqualTo("42");
                assertThat(n.get("bytes").isNumber()).isTrue();
                assertThat(n.get("logSource").asText()).startsWith("io/tresor/plugin/testkit/actions/LoggingAction.java:");
            }
        }
        assertThat(infoLines).isEqualTo(40);
        assertThat(lines).anyMatch(l -> l.contains("\"@message\":\"debug line for"));
        assertThat(lines).anyMatch(l -> l.contains("toString() failed"));
        assertThat(lines).anyMatch(l -> l.contains("\"error\":\"java.lang.IllegalArgumentException: cause of the error\""));
        // System.Logger → the runtime's LoggerFinder → java.util.logging → the same JSON lines, filtered by level
        List<JsonNode> platform = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            if (n.path("logger").asText().equals("tresor.test.platform")) {
                platform.add(n);
            }
        }
        assertThat(platform).hasSize(40).allSatisfy(n -> {
            assertThat(n.get("@level").asText()).isEqualTo("warn");
            assertThat(n.get("@message").asText())
                    .matches("platform logger line for p-\\d+ via io\\.tresor\\.jdklogging\\.JulLoggerFinder");
        });
    }

    @Test
    void logLevelInfoDropsDebugAndTraceLines() throws Exception {
        List<String> info = runLoggingAction(List.of("--log-level", "info"), 1);
        assertThat(info).noneMatch(l -> l.contains("\"@level\":\"debug\"") || l.contains("\"@level\":\"trace\""));
        assertThat(info).anyMatch(l -> l.contains("\"@message\":\"info line for"));

        List<String> debug = runLoggingAction(List.of("--log-level=debug"), 1);
        assertThat(debug).anyMatch(l -> l.contains("\"@message\":\"debug line for"));
        assertThat(debug).noneMatch(l -> l.contains("\"@message\":\"trace line for"));

        List<String> error = runLoggingAction(List.of("--uploader-type=kopia", "--log-level", "error"), 1);
        assertThat(error).allMatch(l -> l.contains("\"@level\":\"error\""));
        assertThat(error).hasSize(1);
    }

    private static List<String> runLoggingAction(List<String> args, int calls) throws Exception {
        PluginProcess plugin = PluginProcess.start(PluginTrees.withTestActions(), args, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExecuteResponse>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String item = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p-" + i + "\",\"namespace\":\"shop\"}}";
                futures.add(pool.submit(() -> MethodPath.call(plugin.channel(), "/v2.BackupItemAction/Execute",
                        ExecuteRequest.newBuilder().setPlugin(TestActions.LOG)
                                .setItem(com.google.protobuf.ByteString.copyFrom(item, StandardCharsets.UTF_8)).build(),
                        ExecuteResponse.getDefaultInstance())));
            }
            for (Future<ExecuteResponse> f : futures) {
                f.get();
            }
            PluginProcess.Exit exit = plugin.shutdown();
            assertThat(exit.status()).isZero();
            assertThat(plugin.stdoutAfterHandshake()).isEmpty();
            return plugin.stderrLines();
        } finally {
            pool.shutdownNow();
            plugin.close();
        }
    }
}
