package io.tresor.plugin.main;

import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

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
        return plugin.build().serve(args);
    }
}
