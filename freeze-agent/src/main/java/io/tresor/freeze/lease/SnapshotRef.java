package io.tresor.freeze.lease;

/**
 * The VolumeSnapshot a freeze is for. {@code name} and {@code uid} may be empty at admission
 * (generateName); {@code requestUid} is the admission request UID and keys the lease.
 */
public record SnapshotRef(String namespace, String name, String uid, String requestUid, String backupName) {

  public SnapshotRef {
    name = name == null ? "" : name;
    uid = uid == null ? "" : uid;
    backupName = backupName == null ? "" : backupName;
  }

  public SnapshotRef found(String foundName, String foundUid) {
    return new SnapshotRef(namespace, foundName, foundUid, requestUid, backupName);
  }

  /** Same object: by UID when both know it, else by namespace and name. */
  public boolean sameObject(SnapshotRef other) {
    if (!uid.isEmpty() && !other.uid.isEmpty()) {
      return uid.equals(other.uid);
    }
    return !name.isEmpty() && namespace.equals(other.namespace) && name.equals(other.name);
  }
}
