package io.tresor.plugin.main;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.goplugin.PluginChannel;
import io.tresor.proto.goplugin.GRPCControllerGrpc;
import io.tresor.proto.velero.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.BackupItemActionGrpc;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.PluginIdentifier;
import io.tresor.proto.velero.PluginListerGrpc;
import io.tresor.proto.velero.v2.ExecuteRequest;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The build's AOT training run (JDK 25 {@code -XX:AOTMode=record}): serves as under Velero, drives itself
 * through the calls Velero makes (health, ListPlugins, AppliesTo, Execute, an error path, Shutdown), exits.
 */
final class AotTraining {
    private static final byte[] ITEM = ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\","
            + "\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
            + "\"image\":\"registry/shop/web:1\"}]}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] BACKUP = ("{\"metadata\":{\"name\":\"b1\",\"namespace\":\"openshift-adp\"},"
            + "\"spec\":{\"includedNamespaces\":[\"shop\"],\"storageLocation\":\"default\"},"
            + "\"status\":{\"phase\":\"InProgress\"}}").getBytes(StandardCharsets.UTF_8);

    private AotTraining() {
    }

    /** Pass-through actions trained in place of the real ones (see {@link #exercise}). */
    static final String TRAINING_PREFIX = "tresor.io/aot-training";

    static int run(VeleroPlugin.Builder plugin, String[] args) {
        // JDK 25 loads every class of the cache eagerly at start, so the training run must not call the real
        // actions: they would pull fabric8, TLS and HTTP client classes into every plugin start (measured: +2200
        // classes, start 150 → 370 ms, RSS +20 MB). The dispatch path is trained on pass-through actions instead.
        BackupItemAction passthrough = new BackupItemAction() {
            @Override
            public ResourceSelector appliesTo() {
                return ResourceSelector.all();
            }

            @Override
            public BackupItemResult execute(BackupItemRequest request) {
                request.item().path("metadata").path("name").asText();
                return BackupItemResult.of(request.item());
            }
        };
        plugin.backupItemAction(TRAINING_PREFIX + "-v2", passthrough)
                .backupItemActionV1(TRAINING_PREFIX + "-v1", passthrough);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("VELERO_PLUGIN", "hello");
        plugin.environment(env).onListening(endpoint -> {
            Thread t = new Thread(() -> exercise(endpoint.network(), endpoint.address()), "aot-training");
            t.setDaemon(true);
            t.start();
        });
        return plugin.build().serve(args);
    }

    private static void exercise(String network, String address) {
        ManagedChannel channel = PluginChannel.dial(network, address);
        try {
            HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService("plugin").build());
            ListPluginsResponse list = PluginListerGrpc.newBlockingStub(channel).listPlugins(Empty.getDefaultInstance());
            for (int round = 0; round < 50; round++) {
                for (PluginIdentifier p : list.getPluginsList()) {
                    if (p.getName().startsWith(TRAINING_PREFIX)) {
                        call(channel, p.getKind(), p.getName());
                    }
                }
                call(channel, "BackupItemActionV2", "tresor.io/aot-training-unknown");
                call(channel, "BackupItemAction", "tresor.io/aot-training-unknown");
            }
        } finally {
            try {
                GRPCControllerGrpc.newBlockingStub(channel)
                        .shutdown(io.tresor.proto.goplugin.Empty.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                // The server may close before answering.
            }
            channel.shutdownNow();
        }
    }

    private static void call(ManagedChannel channel, String kind, String name) {
        try {
            switch (kind) {
                case "BackupItemActionV2":
                    io.tresor.proto.velero.v2.BackupItemActionGrpc.newBlockingStub(channel).appliesTo(
                            io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder().setPlugin(name).build());
                    io.tresor.proto.velero.v2.BackupItemActionGrpc.newBlockingStub(channel).execute(
                            ExecuteRequest.newBuilder().setPlugin(name).setItem(ByteString.copyFrom(ITEM))
                                    .setBackup(ByteString.copyFrom(BACKUP)).build());
                    break;
                case "BackupItemAction":
                    BackupItemActionGrpc.newBlockingStub(channel).appliesTo(
                            BackupItemActionAppliesToRequest.newBuilder().setPlugin(name).build());
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
