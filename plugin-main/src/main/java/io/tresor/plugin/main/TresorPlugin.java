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

import java.util.function.Supplier;

/**
 * Entry point of {@code /plugins/tresor}: registers tresor's actions and serves Velero.
 * {@code tresor install <dir>} copies the plugin tree into {@code <dir>} (the init container's job).
 */
public final class TresorPlugin {
    /**
     * Extra registrars by class name (the test tree's test-only actions). Named, not looked up with ServiceLoader:
     * that scan would open the whole application jar before the handshake.
     */
    static final String REGISTRARS_PROPERTY = "tresor.action.registrars";
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
        end(plugin.build().serve(args));
    }

    /**
     * Ends the process once the server has stopped. Not System.exit: that logs the exit through the JDK's
     * System.Logger, and finding that logger scans the class path, i.e. reads the 48 MB application jar's directory
     * (~30 ms of CPU and 2.7 MB) in every process that never needed it, while Velero's Kill waits for the exit. The
     * plugin registers no shutdown hook (the server is stopped, its socket removed, every log line is flushed as it
     * is written), so there is nothing for System.exit to run.
     */
    static void end(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** tresor's own actions, by name, then the registrars named in {@value #REGISTRARS_PROPERTY}. */
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
        for (String name : System.getProperty(REGISTRARS_PROPERTY, "").split(",")) {
            if (!name.isBlank()) {
                registrar(name.strip()).register(plugin);
            }
        }
    }

    private static ActionRegistrar registrar(String className) {
        try {
            return Class.forName(className).asSubclass(ActionRegistrar.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(REGISTRARS_PROPERTY + ": " + className
                    + " is not a public ActionRegistrar with a public no-argument constructor on the class path", e);
        }
    }
}
