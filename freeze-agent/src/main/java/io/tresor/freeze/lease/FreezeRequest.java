package io.tresor.freeze.lease;

import java.time.Duration;
import java.util.List;

/** A validated Freeze call: which volume, through which pods, for which snapshot, for how long. */
public record FreezeRequest(String namespace, String pvc, String pv, List<String> podUids, SnapshotRef snapshot,
                            Duration lease) {

  public FreezeRequest {
    podUids = List.copyOf(podUids);
  }

  /** The lease key: the admission request UID; one admission of a group snapshot freezes each PVC. */
  public String leaseId() {
    return snapshot.group() ? snapshot.requestUid() + ":" + pvc : snapshot.requestUid();
  }
}
