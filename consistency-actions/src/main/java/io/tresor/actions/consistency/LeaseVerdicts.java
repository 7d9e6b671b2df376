package io.tresor.actions.consistency;

import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
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

  /** The verdict for the leases of one snapshot (several after admission retries); empty list = no record. */
  public static Verdict of(List<LeaseStatus> leases) {
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
    if (l.getState() == LeaseState.FROZEN) {
      return Verdict.frozen(frozen.replace(" ms", " ms so far") + ", still frozen");
    }
    if (l.getConsistency() == Consistency.FROZEN_AT_CUT) {
      return Verdict.frozen(frozen + " (thawed: " + cause(l.getThawCause()) + ")");
    }
    // thawed before the agent saw the handle: only the thaw action's call after Velero waited for the handle
    // proves the cut happened inside the freeze
    if (l.getThawCause() == ThawCause.THAW_CALL) {
      return Verdict.frozen(frozen + " (thawed by tresor after the snapshot handle existed)");
    }
    return Verdict.unknown("frozen " + l.getFrozenMs() + " ms but thawed by " + cause(l.getThawCause())
        + " before the cut was seen: the snapshot may not be consistent");
  }

  static String cause(ThawCause c) {
    return c.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
