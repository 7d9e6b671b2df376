package io.tresor.freeze.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the agent's mount namespace looks like: the mount list and {@code stat(2)} of paths. */
public interface MountTable {

  List<MountEntry> mounts();

  /** {@code st_dev} of the path itself (symlinks not followed); empty when it does not exist. */
  Optional<DeviceNumber> deviceOf(Path path);

  /** True for a real directory (not a symlink, not a device node). */
  boolean isDirectory(Path path);
}
