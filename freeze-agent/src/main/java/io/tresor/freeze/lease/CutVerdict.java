package io.tresor.freeze.lease;

import java.time.Instant;

/**
 * Was the snapshot cut inside the freeze? Pure.
 *
 * <p>The snapshot content's {@code status.creationTime} is when the storage cut it. A cut before
 * the freeze took effect, or a handle already present when FIFREEZE returned, means the data in
 * the snapshot was not quiesced.
 */
public final class CutVerdict {
  private CutVerdict() {}

  /**
   * @param frozenAt when FIFREEZE returned
   * @param cutAt the content's creationTime, or null when the storage did not report one
   * @param handleSeenAt when the agent first saw the handle
   * @param handlePresentAtFreeze the handle already existed when the agent first looked
   */
  public static Consistency judge(Instant frozenAt, Instant cutAt, Instant handleSeenAt,
                                  boolean handlePresentAtFreeze) {
    if (cutAt != null) {
      return cutAt.isBefore(frozenAt) ? Consistency.CUT_BEFORE_FREEZE : Consistency.FROZEN_AT_CUT;
    }
    if (handlePresentAtFreeze || handleSeenAt.isBefore(frozenAt)) {
      return Consistency.CUT_BEFORE_FREEZE;
    }
    // The agent thaws only after seeing the handle, so without a cut time the cut fell inside.
    return Consistency.FROZEN_AT_CUT;
  }
}
