package io.tresor.freeze.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a path may be frozen: pure, fed by a {@link MountTable}.
 *
 * <p>FIFREEZE acts on the whole superblock behind a path. On a plain directory it would freeze
 * the filesystem that holds it (the node's root or /var: kubelet, CRI-O, the agent's journal),
 * so a path qualifies only if it is a mount point by two independent signs ({@code st_dev}
 * differs from its parent's, and mountinfo lists it with that device), of a local filesystem
 * type that supports freezing, on a device outside the protected set, and shows the whole filesystem
 * (mountinfo root {@code /}), not a directory of one shared with other volumes.
 */
public final class Freezability {
  /** Filesystems whose freeze is known to be safe and useful for CSI volumes. */
  public static final Set<String> FREEZABLE_TYPES = Set.of("ext4", "xfs", "btrfs");

  private final MountTable table;
  private final Set<DeviceNumber> protectedDevices;

  /** @param protectedDevices devices never frozen: the node's root, the journal's, the pods dir's */
  public Freezability(MountTable table, Set<DeviceNumber> protectedDevices) {
    this.table = table;
    this.protectedDevices = Set.copyOf(protectedDevices);
  }

  public FreezeTarget decide(Path path) {
    Optional<DeviceNumber> dev = table.deviceOf(path);
    if (dev.isEmpty()) {
      return FreezeTarget.refused("not-mounted", "volume path does not exist: " + path);
    }
    if (!table.isDirectory(path)) {
      return FreezeTarget.refused("block-volume", "not a directory (block volume or symlink): " + path);
    }
    Optional<DeviceNumber> parentDev = table.deviceOf(path.getParent());
    if (parentDev.isEmpty() || parentDev.get().equals(dev.get())) {
      return FreezeTarget.refused("not-mount-point",
          "not a mount point (same device as its parent directory): " + path);
    }
    List<MountEntry> atPath = table.mounts().stream().filter(m -> m.mountPoint().equals(path)).toList();
    if (atPath.isEmpty()) {
      return FreezeTarget.refused("not-mount-point", "mountinfo lists no mount at " + path);
    }
    // Mounts stack: the last one listed at a mount point is the visible one.
    MountEntry top = atPath.get(atPath.size() - 1);
    if (!top.device().equals(dev.get())) {
      return FreezeTarget.refused("device-mismatch",
          "mountinfo device " + top.device() + " differs from st_dev " + dev.get() + " at " + path);
    }
    String reason = unsupportedTypeReason(top.fsType());
    if (reason != null) {
      return FreezeTarget.refused("unsupported-fs", reason);
    }
    if (protectedDevices.contains(dev.get())) {
      return FreezeTarget.refused("protected-device",
          "device " + dev.get() + " holds the node's root, the pods directory or the agent's journal");
    }
    // FIFREEZE acts on the superblock, not on the subtree a bind mount shows: a volume that is a directory of a
    // shared filesystem (hostpath-style provisioners, btrfs subvolumes) would stall every other tenant on it.
    if (!top.root().equals("/")) {
      return FreezeTarget.refused("shared-filesystem", path + " shows directory " + top.root() + " of filesystem "
          + top.source() + " (" + dev.get() + "), not a whole filesystem: FIFREEZE would freeze every other volume"
          + " on it, so it is not frozen (crash-consistent snapshot); for an application-consistent one, use a"
          + " storage class that gives each volume its own filesystem, or quiesce the application with a backup hook");
    }
    return FreezeTarget.freezable(path, dev.get(), top.fsType());
  }

  /** Null when the type can be frozen, else why not. */
  static String unsupportedTypeReason(String fsType) {
    String t = fsType.toLowerCase(Locale.ROOT);
    if (FREEZABLE_TYPES.contains(t)) {
      return null;
    }
    if (t.startsWith("nfs")) {
      return t + ": network filesystem, FIFREEZE is not supported";
    }
    if (t.equals("ceph") || t.equals("cephfs") || t.equals("cifs") || t.equals("smb3") || t.equals("glusterfs")) {
      return t + ": shared network filesystem, FIFREEZE is not supported";
    }
    if (t.equals("tmpfs") || t.equals("ramfs")) {
      return t + ": memory filesystem, nothing to make consistent on disk";
    }
    if (t.equals("fuse") || t.startsWith("fuse.")) {
      return t + ": FUSE filesystem, FIFREEZE is not supported";
    }
    if (t.equals("devtmpfs")) {
      return t + ": a device node (block volume), not a filesystem";
    }
    return t + ": filesystem type not in the freezable list " + FREEZABLE_TYPES;
  }
}
