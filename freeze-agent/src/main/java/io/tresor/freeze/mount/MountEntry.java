package io.tresor.freeze.mount;

import java.nio.file.Path;

/** One line of {@code /proc/self/mountinfo}, with escapes already decoded. */
public record MountEntry(int mountId, int parentId, DeviceNumber device, String root, Path mountPoint,
                         String fsType, String source) {}
