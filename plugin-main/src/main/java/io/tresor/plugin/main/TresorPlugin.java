package io.tresor.plugin.main;

import io.tresor.actions.consistency.ConsistencyActions;
import io.tresor.plugin.ActionRegistrar;
import io.tresor.plugin.VeleroPlugin;
import io.tresor.plugin.goplugin.StdoutGuard;

import java.util.ServiceLoader;

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
        StdoutGuard.install();
        if (args.length > 0 && args[0].equals("install")) {
            System.exit(PluginTreeInstaller.run(args));
        }
        VeleroPlugin.Builder plugin = VeleroPlugin.builder();
        registerActions(plugin);
        if (Boolean.getBoolean(TRAINING_PROPERTY)) {
            System.exit(AotTraining.run(plugin, args));
        }
        System.exit(plugin.build().serve(args));
    }

    /** tresor's own actions (added with their issues), then any registrar found on the class path. */
    static void registerActions(VeleroPlugin.Builder plugin) {
        // tresor.io/volumesnapshot-thaw, tresor.io/pod-consistency, tresor.io/consistency-cleanup
        ConsistencyActions.register(plugin);
        for (ActionRegistrar registrar : ServiceLoader.load(ActionRegistrar.class)) {
            registrar.register(plugin);
        }
    }
}
