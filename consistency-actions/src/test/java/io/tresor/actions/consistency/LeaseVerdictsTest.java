package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
import java.util.List;
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

  @ParameterizedTest
  @MethodSource("table")
  void verdicts(List<LeaseStatus> leases, String word, boolean warning, String sentenceStart) {
    Verdict v = LeaseVerdicts.of(leases);
    assertThat(v.word()).isEqualTo(word);
    assertThat(v.warning()).as("counted by Velero as a warning").isEqualTo(warning);
    assertThat(v.sentence()).startsWith(sentenceStart);
  }
}
