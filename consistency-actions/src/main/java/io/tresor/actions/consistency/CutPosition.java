package io.tresor.actions.consistency;

import java.time.Instant;

/**
 * Where a snapshot's cut lies against one lease's freeze, at the precision both are known to. Pure.
 *
 * <p>The agent reports the freeze and thaw to the millisecond (truncated), so the freeze covers {@code [frozenAt,
 * thawedAt + 1 ms)}; a cut exactly at {@code frozenAt} counts as inside, as in the agent's own {@code CutVerdict}.
 */
enum CutPosition {
  /** The whole unit of the cut time ends at or before the freeze. */
  BEFORE_FREEZE,
  /** The cut time lies wholly inside the freeze. */
  INSIDE,
  /** The cut time begins after the thaw's millisecond. */
  AFTER_THAW,
  /** A cut known only to the second whose second overlaps the freeze's start or end. */
  UNDECIDED;

  /**
   * @param thawedAt null while the lease is still frozen
   */
  static CutPosition of(CutTime cut, Instant frozenAt, Instant thawedAt) {
    if (!cut.end().isAfter(frozenAt)) {
      return BEFORE_FREEZE;
    }
    Instant freezeEnd = thawedAt == null ? Instant.MAX : thawedAt.plusMillis(1);
    if (!cut.at().isBefore(freezeEnd)) {
      return AFTER_THAW;
    }
    return !cut.at().isBefore(frozenAt) && !cut.end().isAfter(freezeEnd) ? INSIDE : UNDECIDED;
  }
}
