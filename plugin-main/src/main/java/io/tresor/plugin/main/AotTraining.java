package io.tresor.plugin.main;

import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

import java.util.List;

/**
 * The plugin side of the build's AOT training run (JDK 25 {@code -XX:AOTMode=record}): serves as under Velero,
 * with two pass-through training actions added; {@link AotTrainingDriver} makes Velero's calls from outside.
 */
final class AotTraining {
    /** Names of the pass-through actions trained in place of the real ones. */
    static final String TRAINING_PREFIX = "tresor.io/aot-training";

    private AotTraining() {
    }

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
        // Velero's side of the calls comes from another process (AotTrainingDriver, on the build's JDK): gRPC client
        // classes used in here would land in the cache and be loaded at every start (~400 classes).
        int status = plugin.build().serve(args);
        loadTimingDependentTeardown();
        return status;
    }

    /**
     * Classes of a connection's teardown that only some timings reach: netty waiting for a closing channel, the
     * graceful close of a connection Velero has not closed yet, a socket call failing as Velero goes away. Which of
     * them a run needs depends on who is first, in training as at a real plugin's exit, and each one missing from
     * the cache reads the application jar at exit (~30 ms of CPU). Loaded here, not initialised. AotTrainingTest
     * fails when a library upgrade drops one of the names.
     */
    private static void loadTimingDependentTeardown() {
        ClassLoader loader = AotTraining.class.getClassLoader();
        for (String name : TEARDOWN_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // renamed by an upgrade (AotTrainingTest says so); that exit then reads the jar, no more
            }
        }
    }

    static final List<String> TEARDOWN_CLASSES = List.of(
            "io.grpc.netty.shaded.io.netty.util.concurrent.ImmediateEventExecutor",
            "io.grpc.netty.shaded.io.netty.util.concurrent.ImmediateEventExecutor$1",
            "io.grpc.netty.shaded.io.netty.util.concurrent.ImmediateEventExecutor$2",
            "io.grpc.netty.shaded.io.netty.channel.unix.Errors",
            "io.grpc.netty.shaded.io.netty.channel.AbstractChannel$AbstractUnsafe$5",
            "io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler$ClosingChannelFutureListener",
            // GOAWAY sent while go-plugin's stdio/broker streams are still open above the last known stream id
            "io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Connection$1",
            "io.grpc.netty.shaded.io.grpc.netty.GracefulServerCloseCommand",
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler$GracefulShutdown",
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler$GracefulShutdown$1",
            "com.google.common.collect.Lists",
            "com.google.common.collect.Lists$Partition",
            "com.google.common.collect.Lists$RandomAccessPartition",
            "com.google.common.collect.Lists$StringAsImmutableList",
            "com.google.common.collect.Lists$TransformingRandomAccessList",
            "com.google.common.collect.Lists$TransformingSequentialList");
}
