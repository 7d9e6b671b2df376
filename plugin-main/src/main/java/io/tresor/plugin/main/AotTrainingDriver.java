package io.tresor.plugin.main;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.tresor.proto.health.HealthCheckRequest;
import io.tresor.proto.health.HealthGrpc;
import io.tresor.plugin.goplugin.PluginChannel;
import io.tresor.proto.goplugin.GRPCControllerGrpc;
import io.tresor.proto.velero.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.BackupItemActionGrpc;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.PluginIdentifier;
import io.tresor.proto.velero.PluginListerGrpc;
import io.tresor.proto.velero.v2.ExecuteRequest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Build-time only, run on the build's JDK: starts the launcher in AOT record mode as Velero would and makes
 * Velero's calls (health, ListPlugins, AppliesTo, Shutdown; with depth {@code execute} also Execute and the
 * error path of an unknown plugin) against the training actions. Usage: {@code AotTrainingDriver <launcher> [appliesTo|execute]};
 * exit status 0 once the plugin exited with 0.
 *
 * <p>The build trains {@code appliesTo}: JDK 25 loads every cached class at each start, and Execute's JSON classes
 * (jackson-databind, ~780 classes with the v1/v2 execute path) cost every start ~40 ms of CPU and 9 MB of cache
 * while only processes that execute an item need them; those load them from the jar on first use instead. The same
 * holds for the error path (status details, stack frames).
 */
public final class AotTrainingDriver {
    private static final byte[] ITEM = ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\","
            + "\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"registry/shop/web:1\"}]}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] BACKUP = ("{\"metadata\":{\"name\":\"b1\",\"namespace\":\"openshift-adp\"},"
            + "\"spec\":{\"includedNamespaces\":[\"shop\"],\"storageLocation\":\"default\"},"
            + "\"status\":{\"phase\":\"InProgress\"}}").getBytes(StandardCharsets.UTF_8);

    /** Set for the build's method-handle probe run (see build-plugin-tree.sh). */
    private static final boolean PROBE = Boolean.getBoolean("tresor.aot.probe");

    private AotTrainingDriver() {
    }

    public static void main(String[] args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(args[0], "--log-level", "error", "--features="))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("VELERO_PLUGIN", "hello");
        pb.environment().put("PLUGIN_PROTOCOL_VERSIONS", "2");
        Process plugin = pb.start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(plugin.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        // The build's method-handle probe traces with MethodHandle.TRACE_RESOLVE, which prints to stdout until the
        // plugin's main() takes stdout over: those lines are passed on to stderr, where the probe collects them.
        while (PROBE && line != null && !line.startsWith("1|")) {
            System.err.println(line);
            line = stdout.readLine();
        }
        String[] parts = line == null ? new String[0] : line.split("\\|");
        if (parts.length < 5) {
            plugin.destroyForcibly();
            throw new IllegalStateException("no go-plugin handshake from the training run, got: " + line);
        }
        exercise(parts[2], parts[3], args.length > 1 ? args[1] : "appliesTo");
        if (!plugin.waitFor(30, TimeUnit.SECONDS)) {
            plugin.destroyForcibly();
            throw new IllegalStateException("the training run did not exit after Shutdown");
        }
        System.exit(plugin.exitValue());
    }

    private static void exercise(String network, String address, String depth) {
        // A connection that Velero drops with go-plugin's streams open (a plugin client that goes away): the server's
        // side of that teardown is trained too, so that it reads no class from the application jar either.
        ManagedChannel dropped = PluginChannel.dial(network, address);
        PluginChannel.openGoPluginStreams(dropped);
        HealthGrpc.newBlockingStub(dropped).withDeadlineAfter(1, TimeUnit.MINUTES)
                .check(HealthCheckRequest.newBuilder().setService("plugin").build());
        dropped.shutdownNow();
        ManagedChannel channel = PluginChannel.dial(network, address);
        PluginChannel.openGoPluginStreams(channel);
        try {
            // Velero's own calls carry no deadline; a client with one (a test, a debugging tool) is trained too, so
            // that its first call loads no class from the application jar either.
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                    .check(HealthCheckRequest.newBuilder().setService("plugin").build());
            ListPluginsResponse list = PluginListerGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                    .listPlugins(Empty.getDefaultInstance());
            for (int round = 0; round < 50; round++) {
                for (PluginIdentifier p : list.getPluginsList()) {
                    if (p.getName().startsWith(AotTraining.TRAINING_PREFIX)) {
                        call(channel, p.getKind(), p.getName(), depth);
                    }
                }
                if (depth.equals("execute")) {
                    call(channel, "BackupItemActionV2", AotTraining.TRAINING_PREFIX + "-unknown", depth);
                    call(channel, "BackupItemAction", AotTraining.TRAINING_PREFIX + "-unknown", depth);
                }
            }
        } finally {
            try {
                GRPCControllerGrpc.newBlockingStub(channel)
                        .shutdown(io.tresor.proto.goplugin.Empty.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                // The server may close before answering.
            }
            // Velero closes its connection right after Shutdown, while the plugin stops gracefully (go-plugin's
            // streams still open). Which classes that teardown needs depends on timing; AotTraining loads those of
            // the other timings by name.
            channel.shutdownNow();
        }
    }

    private static void call(ManagedChannel channel, String kind, String name, String depth) {
        boolean execute = depth.equals("execute");
        try {
            switch (kind) {
                case "BackupItemActionV2":
                    io.tresor.proto.velero.v2.BackupItemActionGrpc.newBlockingStub(channel).appliesTo(
                            io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder().setPlugin(name).build());
                    if (!execute) {
                        break;
                    }
                    io.tresor.proto.velero.v2.BackupItemActionGrpc.newBlockingStub(channel).execute(
                            ExecuteRequest.newBuilder().setPlugin(name).setItem(ByteString.copyFrom(ITEM))
                                    .setBackup(ByteString.copyFrom(BACKUP)).build());
                    break;
                case "BackupItemAction":
                    BackupItemActionGrpc.newBlockingStub(channel).appliesTo(
                            BackupItemActionAppliesToRequest.newBuilder().setPlugin(name).build());
                    if (!execute) {
                        break;
                    }
                    BackupItemActionGrpc.newBlockingStub(channel).execute(
                            io.tresor.proto.velero.ExecuteRequest.newBuilder().setPlugin(name)
                                    .setItem(ByteString.copyFrom(ITEM)).setBackup(ByteString.copyFrom(BACKUP)).build());
                    break;
                default:
                    break;
            }
        } catch (StatusRuntimeException e) {
            // Error paths are part of what is trained.
        }
    }
}
