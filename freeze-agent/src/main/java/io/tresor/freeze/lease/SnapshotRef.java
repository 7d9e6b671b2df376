package io.tresor.freeze.lease;

/**
 * The VolumeSnapshot (or VolumeGroupSnapshot) a freeze is for. {@code name} and {@code uid} may be
 * empty at admission (generateName); {@code requestUid} is the admission request UID and keys the lease.
 */
public record SnapshotRef(String namespace, String name, String uid, String requestUid, String backupName,
                          Kind kind) {

  /** Which snapshot API object this is. */
  public enum Kind { VOLUME_SNAPSHOT, VOLUME_GROUP_SNAPSHOT }

  public SnapshotRef {
    name = name == null ? "" : name;
    uid = uid == null ? "" : uid;
    backupName = backupName == null ? "" : backupName;
    kind = kind == null ? Kind.VOLUME_SNAPSHOT : kind;
  }

  public SnapshotRef(String namespace, String name, String uid, String requestUid, String backupName) {
    this(namespace, name, uid, requestUid, backupName, Kind.VOLUME_SNAPSHOT);
  }

  public boolean group() {
    return kind == Kind.VOLUME_GROUP_SNAPSHOT;
  }

  public SnapshotRef found(String foundName, String foundUid) {
    return new SnapshotRef(namespace, foundName, foundUid, requestUid, backupName, kind);
  }

  /** Same object: same kind, and by UID when both know it, else by namespace and name. */
  public boolean sameObject(SnapshotRef other) {
    if (kind != other.kind) {
      return false;
    }
    if (!uid.isEmpty() && !other.uid.isEmpty()) {
      return uid.equals(other.uid);
    }
    return !name.isEmpty() && namespace.equals(other.namespace) && name.equals(other.name);
  }
}
