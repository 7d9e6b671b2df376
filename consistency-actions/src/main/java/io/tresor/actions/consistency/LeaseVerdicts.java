package io.tresor.actions.consistency;

import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the agent's leases for one snapshot into a {@link Verdict}. Pure: the table tests in
 * {@code LeaseVerdictsTest} are the specification.
 */
public final class LeaseVerdicts {
  /**
   * Skips that are a property of the volume or a choice of the tenant/cluster: expected on every backup, so
   * info lines. Every other skip code (freeze-failed, device-mismatch, agent-stopping…) means a freeze that
   * should have happened did not: a warning.
   */
  static final Set<String> BY_DESIGN = Set.of("not-csi", "driver-not-allowed", "block-volume", "unsupported-fs",
      "shared-filesystem", "virt-launcher", "opted-out", "no-pod");

  private LeaseVerdicts() {}

  /**
   * The verdict for the leases of one snapshot (several after admission retries); empty list = no record. Without
   * the cut time: the pod action reads only the agent's record.
   */
  public static Verdict of(List<LeaseStatus> leases) {
    return judge(leases, null);
  }

  /**
   * The same, checked against when the storage cut the snapshot ({@code cut} empty: no creation time was reported).
   * The cut time only matters where the agent's own watch did not decide (it thawed before it saw the handle).
   */
  public static Verdict of(List<LeaseStatus> leases, Optional<CutTime> cut) {
    return judge(leases, cut);
  }

  private static Verdict judge(List<LeaseStatus> leases, Optional<CutTime> cut) {
    Optional<LeaseStatus> best = leases.stream().max(Comparator
        .comparingInt((LeaseStatus l) -> l.getState() == LeaseState.SKIPPED ? 0 : 1)
        .thenComparingLong(LeaseStatus::getFrozenAtUnixMs));
    if (best.isEmpty()) {
      return Verdict.notFrozenUnexpectedly("no freeze was recorded for this snapshot (was the tresor /freeze webhook"
          + " reached when Velero created it?): crash-consistent only");
    }
    LeaseStatus l = best.get();
    if (l.getState() == LeaseState.SKIPPED) {
      String why = l.getSkipCode() + ": " + l.getSkipReason();
      return BY_DESIGN.contains(l.getSkipCode()) ? Verdict.notFrozenByDesign("not freezable (" + why + ")")
          : Verdict.notFrozenUnexpectedly("not frozen (" + why + "): crash-consistent only");
    }
    if (l.getConsistency() == Consistency.CUT_BEFORE_FREEZE) {
      return Verdict.cutBeforeFreeze("cut before the freeze took effect (the storage cut the snapshot "
          + "before FIFREEZE returned): crash-consistent only");
    }
    String frozen = "frozen " + l.getFrozenMs() + " ms" + (l.getSharedFreeze() ? " (shared with another backup)" : "");
    Verdict stillFrozen = Verdict.frozen(frozen.replace(" ms", " ms so far") + ", still frozen");
    if (l.getConsistency() == Consistency.FROZEN_AT_CUT) {
      return l.getState() == LeaseState.FROZEN ? stillFrozen
          : Verdict.frozen(frozen + " (thawed: " + cause(l.getThawCause()) + ")");
    }
    // the agent thawed (or still holds the freeze) without having seen the handle: only the cut time can tell
    // whether the cut fell inside the freeze
    Verdict undecided;
    if (l.getState() == LeaseState.FROZEN) {
      undecided = stillFrozen;
    } else if (l.getThawCause() == ThawCause.THAW_CALL) {
      // the thaw action runs after Velero waited for the handle: the cut was done before this thaw
      undecided = Verdict.frozen(frozen + " (thawed by tresor after the snapshot handle existed)");
    } else {
      undecided = Verdict.unknown("frozen " + l.getFrozenMs() + " ms but thawed by " + cause(l.getThawCause())
          + " before the cut was seen: the snapshot may not be consistent");
    }
    if (cut == null) {
      return undecided;
    }
    if (cut.isEmpty()) {
      return undecided.and("the storage did not report when it cut the snapshot");
    }
    if (l.getFrozenAtUnixMs() == 0) {
      // an agent that recorded a freeze always sets frozen_at; without it there is nothing to compare the cut with
      return undecided.and("the agent did not report when it froze the filesystem");
    }
    return againstCut(l, cut.get(), frozen, undecided);
  }

  private static Verdict againstCut(LeaseStatus l, CutTime cut, String frozen, Verdict undecided) {
    Instant frozenAt = Instant.ofEpochMilli(l.getFrozenAtUnixMs());
    // a lease that joined another backup's freeze: the filesystem was frozen since that backup's FIFREEZE
    boolean knowsFreezeStart = l.getFilesystemFrozenAtUnixMs() != 0;
    Instant freezeBegan = knowsFreezeStart ? Instant.ofEpochMilli(l.getFilesystemFrozenAtUnixMs()) : frozenAt;
    Instant thawedAt = l.getState() == LeaseState.THAWED && l.getThawedAtUnixMs() != 0
        ? Instant.ofEpochMilli(l.getThawedAtUnixMs()) : null;
    String cutAt = "the storage cut the snapshot at " + cut.describe();
    switch (CutPosition.of(cut, freezeBegan, thawedAt)) {
      case BEFORE_FREEZE:
        if (l.getSharedFreeze() && !knowsFreezeStart) {
          // an agent that does not report filesystem_frozen_at: a shared lease's frozen_at is when it joined, and a
          // cut before the join may still be inside the first holder's freeze
          return Verdict.unknown(cutAt + ", before this backup joined tresor's freeze of the filesystem at "
              + frozenAt + " (another backup froze it earlier, at a time the agent does not report): the snapshot"
              + " may not be consistent");
        }
        return Verdict.cutBeforeFreeze("cut before the freeze took effect (" + cutAt + ", the filesystem was frozen"
            + " at " + freezeBegan + "): crash-consistent only");
      case AFTER_THAW:
        return Verdict.unknown(frozen + " but " + cutAt + ", after the freeze was thawed at " + thawedAt + " ("
            + cause(l.getThawCause()) + (l.getSharedFreeze() ? "; another backup may have kept it frozen" : "")
            + "): the snapshot may not be consistent");
      case INSIDE:
        Verdict inside = l.getState() == LeaseState.THAWED && l.getThawCause() != ThawCause.THAW_CALL
            ? Verdict.frozen(frozen + " (thawed: " + cause(l.getThawCause()) + ")") : undecided;
        return inside.and(cutAt + ", inside the freeze");
      default:
        return undecided.and(cutAt + ", too close to the freeze's start or end to tell whether it was inside it");
    }
  }

  /** Whether some lease was neither skipped nor judged by the agent itself: only the cut time can decide it. */
  static boolean needsCutTime(List<LeaseStatus> leases) {
    return leases.stream().anyMatch(LeaseVerdicts::undecided);
  }

  static boolean undecided(LeaseStatus l) {
    return l.getState() != LeaseState.SKIPPED && l.getConsistency() == Consistency.CONSISTENCY_UNSPECIFIED;
  }

  static String cause(ThawCause c) {
    return c.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
