package io.tresor.plugin;

/**
 * Adds actions to the plugin executable from a jar on its class path ({@code java.util.ServiceLoader}); the
 * shipped tree registers its actions directly, test trees add test-only actions this way.
 */
public interface ActionRegistrar {

    /** Registers this jar's actions. */
    void register(VeleroPlugin.Builder plugin);
}
