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

  /**
   * Whether a block device with this number exists now. True when that cannot be told (anonymous devices such as
   * btrfs's): a frozen superblock keeps its device, so only a device that is gone proves nothing is frozen on it.
   */
  default boolean deviceExists(DeviceNumber device) {
    return true;
  }
}
