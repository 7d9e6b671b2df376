package io.tresor.freeze.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezeLedgerTest {
  private static final DeviceNumber DEV = new DeviceNumber(7, 0);
  private static final Path MNT = Path.of("/pods/u/volumes/kubernetes.io~csi/pv1/mount");
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  static FreezeRequest request(String requestUid) {
    return new FreezeRequest("tenant", "data", "pv1", List.of("0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f"),
        new SnapshotRef("tenant", "snap-" + requestUid, "", requestUid, "b1"), Duration.ofSeconds(30));
  }

  @Test
  void twoLeasesShareOneFreezeAndOnlyTheLastReleaseThaws() {
    FreezeLedger ledger = new FreezeLedger(10);
    ledger.addFirst(FreezeLease.frozen(request("a"), DEV, MNT, T0));
    ledger.addShared(FreezeLease.joined(request("b"), DEV, MNT, T0.plusSeconds(1), T0, T0.plusSeconds(600)));
    assertThat(ledger.freezeOf(DEV).orElseThrow().holders()).containsExactly("a", "b");

    FreezeLedger.Release first = ledger.release("a", ThawCause.SNAPSHOT_HANDLE, T0.plusSeconds(2)).orElseThrow();
    assertThat(first.thawNeeded()).isEmpty();
    assertThat(first.lease().state()).isEqualTo(LeaseState.THAWED);
    assertThat(ledger.freezeOf(DEV)).isPresent();

    FreezeLedger.Release last = ledger.release("b", ThawCause.LEASE_EXPIRED, T0.plusSeconds(3)).orElseThrow();
    assertThat(last.thawNeeded()).hasValueSatisfying(f -> assertThat(f.mountPoint()).isEqualTo(MNT));
    assertThat(ledger.freezeOf(DEV)).isEmpty();
    assertThat(ledger.active()).isEmpty();
  }

  @Test
  void releaseIsIdempotentAndTheEndedLeaseIsKept() {
    FreezeLedger ledger = new FreezeLedger(10);
    ledger.addFirst(FreezeLease.frozen(request("a"), DEV, MNT, T0));
    assertThat(ledger.release("a", ThawCause.THAW_CALL, T0.plusMillis(1800))).isPresent();
    assertThat(ledger.release("a", ThawCause.THAW_CALL, T0.plusSeconds(5))).isEmpty();
    FreezeLease ended = ledger.find("a").orElseThrow();
    assertThat(ended.thawCause()).isEqualTo(ThawCause.THAW_CALL);
    assertThat(ended.frozenFor(T0.plusSeconds(99))).isEqualTo(Duration.ofMillis(1800));
    assertThat(ended.expiresAt()).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void aLeaseIdIsUsedOnce() {
    FreezeLedger ledger = new FreezeLedger(10);
    ledger.addSkipped(FreezeLease.skipped(request("a"), "already-frozen", "x", T0));
    assertThatThrownBy(() -> ledger.addFirst(FreezeLease.frozen(request("a"), DEV, MNT, T0)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ledger.addShared(FreezeLease.joined(request("c"), DEV, MNT, T0, T0, T0.plusSeconds(600))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void historyIsBounded() {
    FreezeLedger ledger = new FreezeLedger(2);
    for (String id : List.of("a", "b", "c")) {
      ledger.addSkipped(FreezeLease.skipped(request(id), "x", "y", T0));
    }
    assertThat(ledger.find("a")).isEmpty();
    assertThat(ledger.all()).extracting(FreezeLease::id).containsExactly("b", "c");
  }

  @Test
  void cutVerdictComparesTheCutTimeWithTheFreeze() {
    Instant frozen = T0;
    assertThat(CutVerdict.judge(frozen, T0.plusMillis(300), T0.plusSeconds(1), false))
        .isEqualTo(Consistency.FROZEN_AT_CUT);
    assertThat(CutVerdict.judge(frozen, T0.minusMillis(5), T0.plusSeconds(1), false))
        .isEqualTo(Consistency.CUT_BEFORE_FREEZE);
    assertThat(CutVerdict.judge(frozen, null, T0.plusSeconds(1), true)).isEqualTo(Consistency.CUT_BEFORE_FREEZE);
    assertThat(CutVerdict.judge(frozen, null, T0.plusSeconds(1), false)).isEqualTo(Consistency.FROZEN_AT_CUT);
  }

  @Test
  void snapshotsAreTheSameByUidElseByName() {
    SnapshotRef admitted = new SnapshotRef("ns", "", "", "r1", "b1");
    SnapshotRef found = admitted.found("snap-x", "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f");
    assertThat(found.sameObject(new SnapshotRef("ns", "snap-x", "", "", ""))).isTrue();
    assertThat(found.sameObject(new SnapshotRef("ns", "other", "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f", "", "")))
        .isTrue();
    assertThat(admitted.sameObject(new SnapshotRef("ns", "snap-x", "", "", ""))).isFalse();
    assertThat(found.sameObject(new SnapshotRef("other-ns", "snap-x", "", "", ""))).isFalse();
  }
}
