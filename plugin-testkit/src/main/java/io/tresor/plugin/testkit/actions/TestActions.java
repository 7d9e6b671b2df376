package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.ActionRegistrar;
import io.tresor.plugin.VeleroPlugin;

/**
 * Test-only actions, registered through {@link ActionRegistrar} in the test tree
 * ({@code images/target/velero-plugin-test}); never part of the shipped plugin.
 */
public final class TestActions implements ActionRegistrar {
    /** Names of the test actions. */
    public static final String PASSTHROUGH = "tresor.io/test-passthrough";
    public static final String ANNOTATE_V1 = "tresor.io/test-annotate";
    public static final String ASYNC = "tresor.io/test-async";
    public static final String FAIL = "tresor.io/test-fail";
    public static final String PANIC = "tresor.io/test-panic";
    public static final String LOG = "tresor.io/test-log";
    public static final String CONCURRENCY = "tresor.io/test-concurrency";
    public static final String THREAD = "tresor.io/test-thread";
    public static final String RESTORE_V1 = "tresor.io/test-restore";
    public static final String RESTORE_V2 = "tresor.io/test-restore-v2";
    public static final String DELETE = "tresor.io/test-delete";

    @Override
    public void register(VeleroPlugin.Builder plugin) {
        plugin.backupItemAction(PASSTHROUGH, new PassthroughAction())
                .backupItemActionV1(ANNOTATE_V1, new AnnotateAction())
                .backupItemAction(ASYNC, new AsyncAction())
                .backupItemAction(FAIL, new FailingAction())
                .backupItemAction(PANIC, new PanickingAction())
                .backupItemAction(LOG, new LoggingAction())
                .backupItemAction(CONCURRENCY, new ConcurrencyAction())
                .backupItemAction(THREAD, new ThreadNameAction())
                .restoreItemActionV1(RESTORE_V1, new RestoreLabelAction())
                .restoreItemAction(RESTORE_V2, new RestoreWaitAction())
                .deleteItemAction(DELETE, new DeleteRecordingAction());
    }
}
