package io.tresor.freeze.kube;

import io.tresor.freeze.lease.SnapshotRef;
import java.time.Instant;

/** Follows one VolumeSnapshot and its content until the cut, a failure or deletion. */
public interface SnapshotWatch {

  /** What the watch reports; called from watch threads, at most one terminal call matters. */
  interface Listener {
    /** The snapshot object was identified (its final name and UID). */
    void found(String name, String uid);

    /** The content has its handle. {@code cutAt} is the content's creationTime, null if absent. */
    void cut(String handle, Instant cutAt, boolean presentBeforeFreeze);

    void failed(String message);

    void deleted();

    /** The admitted object will never exist (another object holds its name). */
    void neverAppeared(String why);
  }

  /** Starts following; close the result to stop. {@code frozenAt} separates old from new objects. */
  AutoCloseable follow(SnapshotRef ref, String pvc, Instant frozenAt, Listener listener);
}
