package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which agent record becomes which verdict, and which of them Velero counts as a warning. */
class LeaseVerdictsTest {

  private static LeaseStatus thawed(long frozenMs, ThawCause cause, Consistency c) {
    return LeaseStatus.newBuilder().setState(LeaseState.THAWED).setFrozenMs(frozenMs).setThawCause(cause)
        .setConsistency(c).setFrozenAtUnixMs(1_764_619_200_000L).build();
  }

  private static LeaseStatus skipped(String code, String reason) {
    return LeaseStatus.newBuilder().setState(LeaseState.SKIPPED).setSkipCode(code).setSkipReason(reason)
        .setConsistency(Consistency.NOT_FROZEN).build();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(List.of(thawed(1834, ThawCause.SNAPSHOT_HANDLE, Consistency.FROZEN_AT_CUT)),
            "frozen", false, "frozen 1834 ms (thawed: snapshot handle)"),
        Arguments.of(List.of(thawed(95, ThawCause.THAW_CALL, Consistency.CONSISTENCY_UNSPECIFIED)),
            "frozen", false, "frozen 95 ms (thawed by tresor after the snapshot handle existed)"),
        Arguments.of(List.of(thawed(12, ThawCause.SNAPSHOT_HANDLE, Consistency.CUT_BEFORE_FREEZE)),
            "cut-before-freeze", true, "cut before the freeze took effect"),
        Arguments.of(List.of(thawed(30000, ThawCause.LEASE_EXPIRED, Consistency.CONSISTENCY_UNSPECIFIED)),
            "unknown", true, "frozen 30000 ms but thawed by lease expired before the cut was seen"),
        Arguments.of(List.of(skipped("unsupported-fs", "nfs4: network filesystem")),
            "not-frozen", false, "not freezable (unsupported-fs: nfs4: network filesystem)"),
        Arguments.of(List.of(skipped("shared-filesystem", "/var/lib/kubelet/pods/x shows directory /pvc-1 of /dev/sdb")),
            "not-frozen", false, "not freezable (shared-filesystem: "),
        Arguments.of(List.of(skipped("thaw-pending", "an earlier freeze is not confirmed thawed")),
            "not-frozen", true, "not frozen (thaw-pending"),
        Arguments.of(List.of(skipped("virt-launcher", "KubeVirt freezes its guests itself")),
            "not-frozen", false, "not freezable (virt-launcher"),
        Arguments.of(List.of(skipped("freeze-failed", "FIFREEZE: EIO")),
            "not-frozen", true, "not frozen (freeze-failed: FIFREEZE: EIO): crash-consistent only"),
        Arguments.of(List.of(skipped("already-frozen", "EBUSY")),
            "not-frozen", true, "not frozen (already-frozen"),
        Arguments.of(List.of(), "not-frozen", true, "no freeze was recorded for this snapshot"),
        // an admission retry: the real freeze wins over the retry's skip
        Arguments.of(List.of(skipped("agent-stopping", "SIGTERM"),
                thawed(40, ThawCause.SNAPSHOT_HANDLE, Consistency.FROZEN_AT_CUT)),
            "frozen", false, "frozen 40 ms"),
        Arguments.of(List.of(LeaseStatus.newBuilder().setState(LeaseState.FROZEN).setFrozenMs(700).build()),
            "frozen", false, "frozen 700 ms so far, still frozen"));
  }

  /** 2025-12-01T20:00:00.400Z: when FIFREEZE returned (the agent reports milliseconds). */
  private static final long FROZEN_AT = 1_764_619_200_400L;

  /** A lease frozen at {@link #FROZEN_AT} for {@code frozenMs}, thawed then (cause null: still frozen). */
  private static LeaseStatus lease(long frozenMs, ThawCause cause, boolean shared) {
    LeaseStatus.Builder b = LeaseStatus.newBuilder().setFrozenMs(frozenMs).setFrozenAtUnixMs(FROZEN_AT)
        .setSharedFreeze(shared).setConsistency(Consistency.CONSISTENCY_UNSPECIFIED);
    return cause == null ? b.setState(LeaseState.FROZEN).build()
        : b.setState(LeaseState.THAWED).setThawCause(cause).setThawedAtUnixMs(FROZEN_AT + frozenMs).build();
  }

  /** A VolumeSnapshotContent's creationTime {@code offsetNanos} after {@link #FROZEN_AT} (negative: before). */
  private static Optional<CutTime> content(long offsetNanos) {
    return Optional.of(CutTime.ofContentNanos(FROZEN_AT * 1_000_000 + offsetNanos));
  }

  /** A VolumeSnapshot's creationTime: the second only. */
  private static Optional<CutTime> snapshot(String rfc3339) {
    return Optional.of(CutTime.ofSnapshotTime(rfc3339));
  }

  private static final long MS = 1_000_000;

  static Stream<Arguments> againstCut() {
    LeaseStatus byCall = lease(95, ThawCause.THAW_CALL, false);
    return Stream.of(
        // the bug: the CSI driver cut while the admission (and FIFREEZE) was still under way
        Arguments.of(byCall, content(-1 * MS), "cut-before-freeze", true, "cut before the freeze took effect (the"
            + " storage cut the snapshot at 2025-12-01T20:00:00.399Z, the filesystem was frozen at"
            + " 2025-12-01T20:00:00.400Z): crash-consistent only"),
        Arguments.of(byCall, content(-1), "cut-before-freeze", true, "at 2025-12-01T20:00:00.399999999Z,"),
        Arguments.of(byCall, content(-1_250 * MS), "cut-before-freeze", true, "at 2025-12-01T19:59:59.150Z,"),
        Arguments.of(byCall, content(0), "frozen", false, "frozen 95 ms (thawed by tresor after the snapshot handle"
            + " existed); the storage cut the snapshot at 2025-12-01T20:00:00.400Z, inside the freeze"),
        Arguments.of(byCall, content(41 * MS + 517_233), "frozen", false,
            "the storage cut the snapshot at 2025-12-01T20:00:00.441517233Z, inside the freeze"),
        // the thaw is reported in milliseconds: a cut within the thaw's millisecond cannot be told apart from it
        Arguments.of(byCall, content(95 * MS + 500_000), "frozen", false, "inside the freeze"),
        Arguments.of(byCall, Optional.empty(), "frozen", false, "frozen 95 ms (thawed by tresor after the snapshot"
            + " handle existed); the storage did not report when it cut the snapshot"),
        // only the VolumeSnapshot's second: its whole second ended before the freeze
        Arguments.of(byCall, snapshot("2025-12-01T19:59:59Z"), "cut-before-freeze", true,
            "at 2025-12-01T19:59:59Z (known only to the second), the filesystem was frozen at"),
        Arguments.of(lease(95, ThawCause.THAW_CALL, false).toBuilder().setFrozenAtUnixMs(1_764_619_200_000L)
            .setThawedAtUnixMs(1_764_619_200_095L).build(), snapshot("2025-12-01T19:59:59Z"), "cut-before-freeze",
            true, "(the storage cut the snapshot at 2025-12-01T19:59:59Z (known only to the second), the filesystem"
                + " was frozen at 2025-12-01T20:00:00Z)"),
        // …but its second overlaps the freeze: today's verdict, saying why the cut time decided nothing
        Arguments.of(byCall, snapshot("2025-12-01T20:00:00Z"), "frozen", false, "frozen 95 ms (thawed by tresor"
            + " after the snapshot handle existed); the storage cut the snapshot at 2025-12-01T20:00:00Z (known only"
            + " to the second), too close to the freeze's start or end to tell whether it was inside it"),
        Arguments.of(lease(30000, ThawCause.SNAPSHOT_HANDLE, false), snapshot("2025-12-01T20:00:10Z"), "frozen",
            false, "frozen 30000 ms (thawed: snapshot handle); the storage cut the snapshot at 2025-12-01T20:00:10Z"
                + " (known only to the second), inside the freeze"),
        // still frozen when the thaw action asked: the cut is done, so it is before or inside
        Arguments.of(lease(700, null, false), content(-3 * MS), "cut-before-freeze", true,
            "cut before the freeze took effect (the storage cut the snapshot at 2025-12-01T20:00:00.397Z"),
        Arguments.of(lease(700, null, false), content(12 * MS), "frozen", false, "frozen 700 ms so far, still"
            + " frozen; the storage cut the snapshot at 2025-12-01T20:00:00.412Z, inside the freeze"),
        // a shared lease: the agent reports when the filesystem's freeze began (the first holder's FIFREEZE, here
        // 300 ms before this lease joined); a cut between the two is inside the freeze
        Arguments.of(lease(95, ThawCause.THAW_CALL, true).toBuilder().setFilesystemFrozenAtUnixMs(FROZEN_AT - 300)
            .build(), content(-1 * MS), "frozen", false, "frozen 95 ms (shared with another backup) (thawed by tresor"
                + " after the snapshot handle existed); the storage cut the snapshot at 2025-12-01T20:00:00.399Z,"
                + " inside the freeze"),
        Arguments.of(lease(95, ThawCause.THAW_CALL, true).toBuilder().setFilesystemFrozenAtUnixMs(FROZEN_AT - 300)
            .build(), content(-301 * MS), "cut-before-freeze", true, "cut before the freeze took effect (the storage"
                + " cut the snapshot at 2025-12-01T20:00:00.099Z, the filesystem was frozen at"
                + " 2025-12-01T20:00:00.100Z): crash-consistent only"),
        // an agent that does not report filesystem_frozen_at: a shared lease's frozen_at is when it joined, the
        // filesystem was frozen earlier, since a time not reported
        Arguments.of(lease(95, ThawCause.THAW_CALL, true), content(-1 * MS), "unknown", true, "the storage cut the"
            + " snapshot at 2025-12-01T20:00:00.399Z, before this backup joined tresor's freeze of the filesystem at"
            + " 2025-12-01T20:00:00.400Z"),
        Arguments.of(lease(95, ThawCause.THAW_CALL, true), content(2 * MS), "frozen", false,
            "frozen 95 ms (shared with another backup) (thawed by tresor after the snapshot handle existed); the"
                + " storage cut the snapshot at 2025-12-01T20:00:00.402Z, inside the freeze"),
        // thawed when its lease ran out and cut later: outside the freeze
        Arguments.of(lease(30000, ThawCause.LEASE_EXPIRED, false), content(31_000 * MS), "unknown", true,
            "frozen 30000 ms but the storage cut the snapshot at 2025-12-01T20:00:31.400Z, after the freeze was"
                + " thawed at 2025-12-01T20:00:30.400Z (lease expired): the snapshot may not be consistent"),
        // thawed when its lease ran out, but the cut was inside: the cut time settles what the watch could not
        Arguments.of(lease(30000, ThawCause.LEASE_EXPIRED, false), content(29_000 * MS), "frozen", false,
            "frozen 30000 ms (thawed: lease expired); the storage cut the snapshot at 2025-12-01T20:00:29.400Z,"
                + " inside the freeze"),
        Arguments.of(byCall.toBuilder().clearFrozenAtUnixMs().build(), content(-1 * MS), "frozen", false,
            "existed); the agent did not report when it froze the filesystem"),
        // the agent's watch read the same content and decided: its verdict stands
        Arguments.of(thawed(1834, ThawCause.SNAPSHOT_HANDLE, Consistency.FROZEN_AT_CUT), content(-5_000 * MS),
            "frozen", false, "frozen 1834 ms (thawed: snapshot handle)"),
        Arguments.of(skipped("unsupported-fs", "nfs4: network filesystem"), content(0), "not-frozen", false,
            "not freezable (unsupported-fs: nfs4: network filesystem)"));
  }

  @ParameterizedTest
  @MethodSource("againstCut")
  void verdictsAgainstTheCutTime(LeaseStatus lease, Optional<CutTime> cut, String word, boolean warning,
      String sentencePart) {
    Verdict v = LeaseVerdicts.of(List.of(lease), cut);
    assertThat(v.word()).isEqualTo(word);
    assertThat(v.warning()).as("counted by Velero as a warning").isEqualTo(warning);
    assertThat(v.sentence()).contains(sentencePart);
  }

  @ParameterizedTest
  @MethodSource("table")
  void verdicts(List<LeaseStatus> leases, String word, boolean warning, String sentenceStart) {
    Verdict v = LeaseVerdicts.of(leases);
    assertThat(v.word()).isEqualTo(word);
    assertThat(v.warning()).as("counted by Velero as a warning").isEqualTo(warning);
    assertThat(v.sentence()).startsWith(sentenceStart);
  }
}
