package io.tresor.plugin;

/**
 * Adds actions to the plugin executable from a jar on its class path, named by the system property
 * {@code tresor.action.registrars} (public class, public no-argument constructor); the shipped tree registers its
 * actions directly, test trees add test-only actions this way.
 */
public interface ActionRegistrar {

    /** Registers this jar's actions. */
    void register(VeleroPlugin.Builder plugin);
}
