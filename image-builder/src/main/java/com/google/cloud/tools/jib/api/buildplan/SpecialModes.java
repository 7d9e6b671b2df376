package com.google.cloud.tools.jib.api.buildplan;

/**
 * Permissions with the sticky, setuid or setgid bits, which Jib's public {@link FilePermissions#fromOctalString}
 * refuses (3 digits only) but its layer writer passes into the tar entry's mode as given. Lives in Jib's package for
 * the package-private constructor; the images module's archive test checks /tmp's mode in the written layer, so a
 * Jib version that drops the bits fails the build instead of shipping /tmp without them.
 */
public final class SpecialModes {
    private SpecialModes() {
    }

    /** {@code mode} (up to 07777) as Jib permissions. */
    public static FilePermissions of(int mode) {
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("not a permission mode: " + Integer.toOctalString(mode));
        }
        return (mode & ~0777) == 0 ? FilePermissions.fromOctalString(String.format("%03o", mode)) : new FilePermissions(mode);
    }
}
