package io.tresor.imagebuilder;

import java.nio.file.Path;

/**
 * One file or directory of an image layer: where it comes from on the build host ({@code null} for a directory made
 * from nothing), its absolute path in the image and its permission bits (with the sticky bit where it applies).
 */
public record LayerEntry(Path source, String target, int mode, boolean directory) {

    public LayerEntry {
        if (!target.startsWith("/") || target.contains("/../") || target.endsWith("/..") || target.contains("//")) {
            throw new IllegalArgumentException("not a clean absolute image path: " + target);
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " of " + target
                    + " has bits beyond permissions");
        }
    }

    /** A regular file copied from {@code source}. */
    public static LayerEntry file(Path source, String target, int mode) {
        return new LayerEntry(source, target, mode, false);
    }

    /** An empty directory. */
    public static LayerEntry dir(String target, int mode) {
        return new LayerEntry(null, target, mode, true);
    }
}
