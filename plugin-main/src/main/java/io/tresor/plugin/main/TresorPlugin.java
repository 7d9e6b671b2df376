package io.tresor.plugin.main;

import io.tresor.actions.consistency.ConsistencyActions;
import io.tresor.actions.backup.ImageStreamCaptureAction;
import io.tresor.actions.backup.ImageStreamGcAction;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.restore.ImageStreamRestoreAction;
import io.tresor.actions.restore.ImageStreamTagSkipAction;
import io.tresor.plugin.ActionRegistrar;
import io.tresor.plugin.StartupPhases;
import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.goplugin.StdoutGuard;

import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Entry point of {@code /plugins/tresor}: registers tresor's actions and serves Velero.
 * {@code tresor install <dir>} copies the plugin tree into {@code <dir>} (the init container's job).
 */
public final class TresorPlugin {
    /** Set by the build for the AOT training run only. */
    static final String TRAINING_PROPERTY = "tresor.aot.training";

    private TresorPlugin() {
    }

    public static void main(String[] args) {
        StartupPhases.mark("jvm");
        StdoutGuard.install();
        if (args.length > 0 && args[0].equals("install")) {
            System.exit(PluginTreeInstaller.run(args));
        }
        VeleroPlugin.Builder plugin = VeleroPlugin.builder();
        // binding overlaps the registrations below; the handshake waits for both
        plugin.listenEarly(args);
        registerActions(plugin);
        StartupPhases.mark("actions");
        if (Boolean.getBoolean(TRAINING_PROPERTY)) {
            System.exit(AotTraining.run(plugin, args));
        }
        System.exit(plugin.build().serve(args));
    }

    /** tresor's own actions, by name, then any registrar found on the class path (the test kit's test actions). */
    static void registerActions(VeleroPlugin.Builder plugin) {
        // tresor.io/volumesnapshot-thaw, tresor.io/pod-consistency, tresor.io/consistency-cleanup
        ConsistencyActions.register(plugin);
        // one cluster context per process, built on the first Execute: ListPlugins and AppliesTo never touch the cluster
        Supplier<ImageActionContext> images = new OnFirstUse<>(() -> ImageActionContext.fromEnvironment(System.getenv()));
        plugin.backupItemAction(ImageStreamCaptureAction.NAME, new ImageStreamCaptureAction(images))
                .restoreItemAction(ImageStreamRestoreAction.NAME, new ImageStreamRestoreAction(images))
                // imagestreamtags/imagetags in the backup: the ImageStream restore recreates those tags
                .restoreItemAction(ImageStreamTagSkipAction.NAME, new ImageStreamTagSkipAction())
                .deleteItemAction(ImageStreamGcAction.NAME, new ImageStreamGcAction(images));
        for (ActionRegistrar registrar : ServiceLoader.load(ActionRegistrar.class)) {
            registrar.register(plugin);
        }
    }
}
