package io.tresor.freeze.kube;

import io.tresor.freeze.lease.SnapshotRef;

/** Kubernetes Events for the tenant: on the VolumeSnapshot, or on the PVC while its name is unknown. */
public interface SnapshotEvents {

  void normal(SnapshotRef snapshot, String pvc, String reason, String message);

  void warning(SnapshotRef snapshot, String pvc, String reason, String message);

  /** Events that go nowhere (tests, no API). */
  SnapshotEvents NONE = new SnapshotEvents() {
    @Override
    public void normal(SnapshotRef snapshot, String pvc, String reason, String message) {}

    @Override
    public void warning(SnapshotRef snapshot, String pvc, String reason, String message) {}
  };
}
