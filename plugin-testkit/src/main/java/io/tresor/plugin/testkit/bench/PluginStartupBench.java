package io.tresor.plugin.testkit.bench;

import com.google.protobuf.ByteString;
import io.tresor.plugin.testkit.MethodPath;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.plugin.testkit.actions.TestActions;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Start-up benchmark of the packaged plugin as Velero runs it: start → handshake line, RSS after ListPlugins,
 * and the round trip of a pass-through Execute: its median over the last 10,000 of 40,000 calls to one fresh
 * process (warm), with the medians of the earlier calls on a line of their own (the plugin's JIT warm-up).
 * Prints one {@code key=value} line last.
 * Usage: {@code PluginStartupBench <shipped launcher> <test launcher> [starts]}.
 */
public final class PluginStartupBench {
    private static final ByteString ITEM = ByteString.copyFrom("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"cfg\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},"
            + "\"data\":{\"key\":\"value\"}}", StandardCharsets.UTF_8);
    private static final ByteString BACKUP = ByteString.copyFrom("{\"metadata\":{\"name\":\"nightly-1\","
            + "\"namespace\":\"openshift-adp\"},\"spec\":{\"includedNamespaces\":[\"shop\"]},"
            + "\"status\":{\"phase\":\"InProgress\"}}", StandardCharsets.UTF_8);

    private static final int CLIENT_WARMUP_CALLS = 30_000;
    private static final int MEASURED_CALLS = 40_000;
    private static final int STEADY_CALLS = 10_000;
    private static final long IDLE_BETWEEN_STARTS_MS = 200;

    private PluginStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        Path shipped = Path.of(args[0]);
        Path withTestActions = Path.of(args[1]);
        int starts = args.length > 2 ? Integer.parseInt(args[2]) : 25;

        ExecuteRequest req = ExecuteRequest.newBuilder().setPlugin(TestActions.PASSTHROUGH)
                .setItem(ITEM).setBackup(BACKUP).build();
        // Velero's client is compiled Go; this one is Java and needs its own JIT warm-up first, before anything is
        // measured: warmed against a throw-away plugin process, so that the starts below do not share the two cores
        // with this JVM's compilers, and the measured process further down shows the plugin's own warm-up.
        try (PluginProcess p = PluginProcess.start(withTestActions)) {
            for (int i = 0; i < CLIENT_WARMUP_CALLS; i++) {
                MethodPath.call(p.channel(), "/v2.BackupItemAction/Execute", req, ExecuteResponse.getDefaultInstance());
            }
            p.shutdown();
        }
        List<Double> startupMs = new ArrayList<>();
        List<Double> rssMb = new ArrayList<>();
        List<Double> exitMs = new ArrayList<>();
        List<Double> firstCallMs = new ArrayList<>();
        List<Double> javaVersionMs = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            // Velero starts a plugin from an otherwise quiet server: let the previous process' exit and this JVM's
            // own background work settle first.
            Thread.sleep(IDLE_BETWEEN_STARTS_MS);
            try (PluginProcess p = PluginProcess.start(shipped)) {
                // Velero's first call, on the connection where go-plugin's stdio and broker streams are open
                long t0 = System.nanoTime();
                MethodPath.call(p.channel(), "/generated.PluginLister/ListPlugins", Empty.getDefaultInstance(),
                        ListPluginsResponse.getDefaultInstance());
                firstCallMs.add((System.nanoTime() - t0) / 1e6);
                startupMs.add(p.startupTime().toNanos() / 1e6);
                rssMb.add(p.rssKib() / 1024.0);
                // go-plugin's Kill: Shutdown, then wait for the process to go (Velero does this per plugin process)
                exitMs.add(p.shutdown().afterShutdown().toNanos() / 1e6);
            }
            Thread.sleep(IDLE_BETWEEN_STARTS_MS);
            javaVersionMs.add(javaVersionMs());
        }

        // The AOT cache stops at AppliesTo (see AotTrainingDriver): a process's first Execute loads the JSON and
        // execute-path classes from the jar. Reported so that this trade stays visible.
        List<Double> firstExecuteMs = new ArrayList<>();
        for (int i = 0; i < Math.min(starts, 10); i++) {
            try (PluginProcess p = PluginProcess.start(withTestActions)) {
                long t0 = System.nanoTime();
                MethodPath.call(p.channel(), "/v2.BackupItemAction/Execute", req, ExecuteResponse.getDefaultInstance());
                firstExecuteMs.add((System.nanoTime() - t0) / 1e6);
                p.shutdown();
            }
        }

        List<Double> executeUs = new ArrayList<>();
        try (PluginProcess p = PluginProcess.start(withTestActions)) {
            for (int i = 0; i < MEASURED_CALLS; i++) {
                long t0 = System.nanoTime();
                MethodPath.call(p.channel(), "/v2.BackupItemAction/Execute", req, ExecuteResponse.getDefaultInstance());
                executeUs.add((System.nanoTime() - t0) / 1e3);
            }
            p.shutdown();
        }
        // The plugin's JIT warm-up, call by call of one fresh process: a backup sends one Execute per item.
        System.out.printf("execute_us_p50_calls_1_1000=%.0f execute_us_p50_calls_1001_10000=%.0f "
                        + "execute_us_p50_calls_10001_20000=%.0f%n",
                percentile(executeUs.subList(0, 1000), 50), percentile(executeUs.subList(1000, 10_000), 50),
                percentile(executeUs.subList(10_000, 20_000), 50));
        // This VM's speed drifts by 15-25 % within an hour: the same JDK's plain `java -version`, started between the
        // plugin's starts, is the yardstick for comparing runs made at different times.
        System.out.printf("reference_java_version_ms_p50=%.1f%n", percentile(javaVersionMs, 50));
        System.out.printf("starts=%d startup_ms_min=%.1f startup_ms_max=%.1f rss_mb_max=%.1f first_execute_ms_p50=%.1f "
                        + "list_plugins_ms_p50=%.1f exit_ms_p50=%.1f%n",
                starts, Collections.min(startupMs), Collections.max(startupMs), Collections.max(rssMb),
                percentile(firstExecuteMs, 50), percentile(firstCallMs, 50), percentile(exitMs, 50));
        // execute_us_p50: the warm plugin, i.e. the last STEADY_CALLS calls of the measured process
        System.out.printf("startup_ms_p50=%.1f startup_ms_p90=%.1f rss_mb=%.1f execute_us_p50=%.0f%n",
                percentile(startupMs, 50), percentile(startupMs, 90), percentile(rssMb, 50),
                percentile(executeUs.subList(MEASURED_CALLS - STEADY_CALLS, MEASURED_CALLS), 50));
    }

    /** Start to exit of this JDK's {@code java -version} (its default CDS archive, nothing of tresor's). */
    private static double javaVersionMs() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java.toString(), "-version").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(java + " -version exited with " + p.exitValue());
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1)));
    }
}
