package io.tresor.images;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build left the plugin trees (system properties set by failsafe). */
final class PluginTrees {
    private PluginTrees() {
    }

    /** The shipped tree's launcher: {@code images/target/velero-plugin/tresor}. */
    static Path shipped() {
        return launcher("tresor.plugin.tree");
    }

    /** The same tree plus the test kit's test-only actions. */
    static Path withTestActions() {
        return launcher("tresor.plugin.test.tree");
    }

    /** The shipped tree's application jar: {@code tresor.d/app/tresor-plugin.jar}. */
    static Path shippedApplicationJar() {
        return shipped().resolveSibling("tresor.d").resolve("app").resolve("tresor-plugin.jar");
    }

    private static Path launcher(String property) {
        String dir = System.getProperty(property);
        if (dir == null) {
            throw new IllegalStateException("system property " + property + " is not set; run through ./mvnw verify");
        }
        Path p = Path.of(dir, "tresor");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing; the package phase builds it");
        }
        return p;
    }
}
