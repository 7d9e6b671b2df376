package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.LeaseState;
import io.tresor.freeze.lease.ThawCause;
import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real FIFREEZE of loop-mounted ext4 volumes at kubelet-style paths, driven over gRPC (root only). */
class LoopFreezeTest {
  private static AgentFixture fx;

  @BeforeAll
  static void start() throws Exception {
    LoopVolume.assumeRoot();
    fx = new AgentFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static LeaseStatus freeze(AgentFixture.Volume v, String snapshot, int leaseSeconds) {
    return fx.velero.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(), snapshot,
        leaseSeconds));
  }

  private static FreezeLease awaitLease(String id, Predicate<FreezeLease> done, long timeoutMs) throws Exception {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < end) {
      FreezeLease l = fx.agent.agent().ledger().find(id).orElseThrow();
      if (done.test(l)) {
        return l;
      }
      Thread.sleep(2);
    }
    return fx.agent.agent().ledger().find(id).orElseThrow();
  }

  @Test
  void aWriterBlocksWhileFrozenAndContinuesAfterThaw() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    Path file = v.mountPath().resolve("app.log");
    assertThat(LoopVolume.writable(file, 5000)).isTrue();

    LeaseStatus lease = freeze(v, "snap-writer", 60);
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.FROZEN);
    CompletableFuture<Void> blocked = LoopVolume.write(file);
    Thread.sleep(300);
    assertThat(blocked).as("write into a frozen filesystem").isNotDone();

    LeaseStatus thawed = fx.velero.thaw(lease.getLeaseId());
    assertThat(thawed.getState()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.THAWED);
    assertThat(thawed.getThawCause()).isEqualTo(io.tresor.proto.freeze.v1.ThawCause.THAW_CALL);
    blocked.get(5, TimeUnit.SECONDS);
    // Thaw is idempotent: the ended lease is answered as it ended.
    assertThat(fx.velero.thaw(lease.getLeaseId()).getThawedAtUnixMs()).isEqualTo(thawed.getThawedAtUnixMs());
  }

  @Test
  void theLeaseThawsByItselfWhenItEnds() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    LeaseStatus lease = freeze(v, "snap-lease", 1);
    assertThat(lease.getState()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.FROZEN);
    CompletableFuture<Void> blocked = LoopVolume.write(v.mountPath().resolve("f"));
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 3000);
    assertThat(ended.state()).isEqualTo(LeaseState.THAWED);
    // the snapshot never appeared in the cluster: the lease is dropped as such
    assertThat(ended.thawCause()).isEqualTo(ThawCause.NEVER_APPEARED);
    long overrunMs = ended.thawedAt().toEpochMilli() - lease.getExpiresAtUnixMs();
    assertThat(overrunMs).as("thaw after expiry").isBetween(0L, 500L);
    blocked.get(5, TimeUnit.SECONDS);
  }

  @Test
  void twoFreezesOfOneFilesystemShareItUntilTheLastThaw() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume lv = fx.mountExt4(v);
    LeaseStatus first = freeze(v, "snap-backup-1", 60);
    LeaseStatus second = freeze(v, "snap-backup-2", 60);
    assertThat(first.getSharedFreeze()).isFalse();
    assertThat(second.getState()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.FROZEN);
    assertThat(second.getSharedFreeze()).isTrue();

    CompletableFuture<Void> blocked = LoopVolume.write(v.mountPath().resolve("f"));
    fx.velero.thaw(first.getLeaseId());
    Thread.sleep(300);
    assertThat(blocked).as("still frozen for the second backup").isNotDone();
    fx.velero.thaw(second.getLeaseId());
    blocked.get(5, TimeUnit.SECONDS);
    assertThat(lv.thawIfFrozen()).as("nothing left frozen").isFalse();
  }

  @Test
  void aCutBeforeASharedLeaseJoinedButAfterTheFirstFreezeIsInsideTheFreeze() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume lv = fx.mountExt4(v);
    LeaseStatus first = freeze(v, "snap-first-holder", 60);
    Thread.sleep(200);
    LeaseStatus joined = freeze(v, "snap-joined", 60);
    assertThat(joined.getSharedFreeze()).isTrue();
    assertThat(joined.getFilesystemFrozenAtUnixMs()).as("the first holder's FIFREEZE")
        .isEqualTo(first.getFrozenAtUnixMs()).isEqualTo(first.getFilesystemFrozenAtUnixMs())
        .isLessThan(joined.getFrozenAtUnixMs());
    // the joined backup's snapshot was cut after the first FIFREEZE, before its own Freeze call returned
    GenericKubernetesResource vs = fx.cluster.snapshot(AgentFixture.NS, "snap-joined", v.pvc(), "nightly");
    String content = fx.cluster.bindContent(vs);
    Instant cut = Instant.ofEpochMilli(first.getFrozenAtUnixMs()).plusMillis(50);
    fx.cluster.cut(content, cut.getEpochSecond() * 1_000_000_000L + cut.getNano());
    FreezeLease ended = awaitLease(joined.getLeaseId(), l -> !l.active(), 3000);
    assertThat(ended.thawCause()).isEqualTo(ThawCause.SNAPSHOT_HANDLE);
    assertThat(ended.consistency()).as("the filesystem was frozen at the cut, if not by this lease")
        .isEqualTo(io.tresor.freeze.lease.Consistency.FROZEN_AT_CUT);
    fx.velero.thaw(first.getLeaseId());
    assertThat(lv.thawIfFrozen()).as("nothing left frozen").isFalse();
  }

  @Test
  void aFilesystemFrozenBySomeoneElseIsSkippedAndLeftFrozen() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume lv = fx.mountExt4(v);
    lv.freezeOutsideTresor();
    try {
      LeaseStatus lease = freeze(v, "snap-busy", 1);
      assertThat(lease.getState()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.SKIPPED);
      assertThat(lease.getSkipCode()).isEqualTo("already-frozen");
      fx.velero.thaw(lease.getLeaseId());
      Thread.sleep(1200);
    } finally {
      assertThat(lv.thawIfFrozen()).as("tresor did not thaw a freeze it did not make").isTrue();
    }
  }

  @Test
  void tmpfsIsSkipped() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountTmpfs(v);
    LeaseStatus lease = freeze(v, "snap-tmpfs", 5);
    assertThat(lease.getSkipCode()).isEqualTo("unsupported-fs");
    assertThat(lease.getSkipReason()).startsWith("tmpfs:");
    assertThat(lease.getConsistency()).isEqualTo(Consistency.NOT_FROZEN);
  }

  @Test
  void aVolumeThatIsADirectoryOfASharedFilesystemIsSkippedAndNotFrozen() throws Exception {
    // hostpath-style provisioner: one disk, each volume a directory of it bind-mounted into the pod
    AgentFixture.Volume v = fx.volume();
    LoopVolume disk = LoopVolume.ext4(fx.base.resolve("shared-disk-" + v.pv()));
    try {
      Path dir = java.nio.file.Files.createDirectories(disk.mountPoint.resolve(v.pv()));
      java.nio.file.Files.createDirectories(v.mountPath());
      LoopVolume.run("mount", "--bind", dir.toString(), v.mountPath().toString());
      try {
        LeaseStatus lease = freeze(v, "snap-shared", 5);
        assertThat(lease.getState()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.SKIPPED);
        assertThat(lease.getSkipCode()).as(lease.getSkipReason()).isEqualTo("shared-filesystem");
        assertThat(LoopVolume.writable(disk.mountPoint.resolve("other-tenant.log"), 2000))
            .as("the other volumes on the disk keep writing").isTrue();
      } finally {
        LoopVolume.exec("fsfreeze", "-u", v.mountPath().toString());
        LoopVolume.exec("umount", v.mountPath().toString());
      }
    } finally {
      disk.close();
    }
  }

  @Test
  void aFreezeWhosePodMountWentAwayIsThawedThroughTheGlobalMount() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume global = LoopVolume.ext4(fx.base.resolve("globalmount-" + v.pv()));
    try {
      java.nio.file.Files.createDirectories(v.mountPath());
      LoopVolume.run("mount", "--bind", global.mountPoint.toString(), v.mountPath().toString());
      LeaseStatus lease = freeze(v, "snap-pod-gone", 60);
      assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(io.tresor.proto.freeze.v1.LeaseState.FROZEN);
      CompletableFuture<Void> blocked = LoopVolume.write(global.mountPoint.resolve("f"));
      // the pod is deleted during the freeze: the kubelet unmounts its bind mount, the superblock stays frozen
      LoopVolume.run("umount", "-l", v.mountPath().toString());
      Thread.sleep(200);
      assertThat(blocked).as("still frozen behind the global mount").isNotDone();
      fx.velero.thaw(lease.getLeaseId());
      blocked.get(5, TimeUnit.SECONDS);
      assertThat(global.thawIfFrozen()).as("nothing left frozen").isFalse();
    } finally {
      LoopVolume.exec("umount", "-l", v.mountPath().toString());
      global.close();
    }
  }

  @Test
  void theSnapshotHandleThawsLongBeforeTheLeaseEnds() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    // Warm the mock API server's update path: the measured interval is the agent's, not the mock's JIT.
    GenericKubernetesResource warm = fx.cluster.snapshot(AgentFixture.NS, "snap-warm-up", "warm-up", "other");
    fx.cluster.cut(fx.cluster.bindContent(warm), 1);
    LeaseStatus lease = freeze(v, "snap-handle", 60);
    Instant frozenAt = Instant.ofEpochMilli(lease.getFrozenAtUnixMs());
    GenericKubernetesResource vs = fx.cluster.snapshot(AgentFixture.NS, "snap-handle", v.pvc(), "nightly");
    awaitLease(lease.getLeaseId(), l -> !l.snapshot().uid().isEmpty(), 3000);
    String content = fx.cluster.bindContent(vs);
    Thread.sleep(300);
    assertThat(fx.agent.agent().ledger().find(lease.getLeaseId()).orElseThrow().active()).isTrue();

    long cutNanos = frozenAt.plusMillis(100).getEpochSecond() * 1_000_000_000L + frozenAt.plusMillis(100).getNano();
    GenericKubernetesResource cut = fx.cluster.prepareCut(content, cutNanos);
    CompletableFuture<Void> blocked = LoopVolume.write(v.mountPath().resolve("f"));
    Thread.sleep(100);
    assertThat(blocked).isNotDone();
    long t0 = System.nanoTime();
    fx.cluster.applyCut(cut);
    // measured until the application's blocked write went through: the physical thaw is included
    blocked.get(5, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("handle written → application writes again: " + ms + " ms");
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 2000);
    assertThat(ended.thawCause()).isEqualTo(ThawCause.SNAPSHOT_HANDLE);
    // the speed target (handle → thawed) is bench/freeze.sh's thaw_after_handle_ms; here only that the handle, not
    // the 60 s lease timer, ended the freeze
    assertThat(ms).as("handle → thawed").isLessThan(5_000);
    assertThat(ended.consistency()).isEqualTo(io.tresor.freeze.lease.Consistency.FROZEN_AT_CUT);
    assertThat(ended.snapshotHandle()).isEqualTo("snap-0123456789abcdef");
    assertThat(ended.snapshot().uid()).isEqualTo(vs.getMetadata().getUid());
  }

  @Test
  void aGenerateNameSnapshotIsFoundByBackupLabelAndPvc() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    // admission did not know the final name yet
    LeaseStatus lease = freeze(v, "", 60);
    fx.cluster.snapshot(AgentFixture.NS, "velero-" + v.pvc() + "-x8k2m", "other-pvc", "nightly");
    GenericKubernetesResource vs = fx.cluster.snapshot(AgentFixture.NS, "velero-" + v.pvc() + "-q7w4z", v.pvc(),
        "nightly");
    String content = fx.cluster.bindContent(vs);
    // no creationTime reported by this driver: the agent judges by when it saw the handle
    fx.cluster.cut(content, 0);
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 3000);
    assertThat(ended.thawCause()).isEqualTo(ThawCause.SNAPSHOT_HANDLE);
    assertThat(ended.snapshot().name()).isEqualTo("velero-" + v.pvc() + "-q7w4z");
  }

  @Test
  void aCutBeforeTheFreezeIsReported() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    LeaseStatus lease = freeze(v, "snap-early", 60);
    GenericKubernetesResource vs = fx.cluster.snapshot(AgentFixture.NS, "snap-early", v.pvc(), "nightly");
    String content = fx.cluster.bindContent(vs);
    Instant before = Instant.ofEpochMilli(lease.getFrozenAtUnixMs()).minusSeconds(2);
    fx.cluster.cut(content, before.getEpochSecond() * 1_000_000_000L);
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 3000);
    assertThat(ended.consistency()).isEqualTo(io.tresor.freeze.lease.Consistency.CUT_BEFORE_FREEZE);
    assertThat(fx.velero.status(lease.getLeaseId()).getConsistency()).isEqualTo(Consistency.CUT_BEFORE_FREEZE);
  }

  @Test
  void deletingTheSnapshotThaws() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    LeaseStatus lease = freeze(v, "snap-deleted", 60);
    GenericKubernetesResource vs = fx.cluster.snapshot(AgentFixture.NS, "snap-deleted", v.pvc(), "nightly");
    awaitLease(lease.getLeaseId(), l -> !l.snapshot().uid().isEmpty(), 3000);
    // the agent may have found the snapshot in its informer's list: its watch must be up to see the deletion
    fx.cluster.awaitWatch("metadata.name%3Dsnap-deleted", java.time.Duration.ofSeconds(5));
    fx.cluster.client.genericKubernetesResources(MockCluster.VS).inNamespace(AgentFixture.NS)
        .withName(vs.getMetadata().getName()).delete();
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 3000);
    assertThat(ended.thawCause()).isEqualTo(ThawCause.SNAPSHOT_DELETED);
  }

  @Test
  void theJournalsOwnFilesystemIsNeverFrozen() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    // A second agent whose journal lives on that very filesystem.
    io.tresor.freeze.AgentServer second = io.tresor.freeze.AgentServer.start(
        AgentFixture.config(fx.podsDir, v.mountPath().resolve("journal/j")), fx.cluster.client);
    try (FreezerClient c = new FreezerClient(second.grpcPort(), MockCluster.VELERO_TOKEN)) {
      LeaseStatus lease = c.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(), "s", 5));
      assertThat(lease.getSkipCode()).isEqualTo("protected-device");
    } finally {
      second.close();
    }
  }

  @Test
  void aGroupSnapshotFreezesEachOfItsPvcsAndTheGroupHandleThawsThemAll() throws Exception {
    AgentFixture.Volume a = fx.volume();
    AgentFixture.Volume b = fx.volume();
    fx.mountExt4(a);
    fx.mountExt4(b);
    String requestUid = java.util.UUID.randomUUID().toString();
    java.util.List<LeaseStatus> leases = new java.util.ArrayList<>();
    for (AgentFixture.Volume v : java.util.List.of(a, b)) {
      io.tresor.proto.freeze.v1.FreezeRequest r = FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(),
          v.podUid(), "vgs-db", 60);
      leases.add(fx.velero.freeze(r.toBuilder().setVolumeSnapshot(r.getVolumeSnapshot().toBuilder()
          .setAdmissionRequestUid(requestUid).setKind(io.tresor.proto.freeze.v1.SnapshotKind.VOLUME_GROUP_SNAPSHOT))
          .build()));
    }
    assertThat(leases).extracting(LeaseStatus::getLeaseId)
        .containsExactly(requestUid + ":" + a.pvc(), requestUid + ":" + b.pvc());
    assertThat(leases).allSatisfy(l -> assertThat(l.getState())
        .isEqualTo(io.tresor.proto.freeze.v1.LeaseState.FROZEN));
    // a plain VolumeSnapshot of the same name is another object: it thaws nothing here
    fx.cluster.cut(fx.cluster.bindContent(fx.cluster.snapshot(AgentFixture.NS, "vgs-db", a.pvc(), "nightly")),
        System.currentTimeMillis() * 1_000_000L);
    Thread.sleep(300);
    assertThat(fx.agent.agent().ledger().find(leases.get(0).getLeaseId()).orElseThrow().active()).isTrue();

    GenericKubernetesResource g = fx.cluster.groupSnapshot(AgentFixture.NS, "vgs-db", "nightly");
    fx.cluster.cutGroup(g);
    for (LeaseStatus l : leases) {
      FreezeLease ended = awaitLease(l.getLeaseId(), x -> !x.active(), 3000);
      assertThat(ended.thawCause()).isEqualTo(ThawCause.SNAPSHOT_HANDLE);
      assertThat(ended.snapshotHandle()).isEqualTo("group-0123");
      assertThat(ended.consistency()).isEqualTo(io.tresor.freeze.lease.Consistency.FROZEN_AT_CUT);
    }
    assertThat(LoopVolume.writable(a.mountPath().resolve("f"), 5000)).isTrue();
    assertThat(LoopVolume.writable(b.mountPath().resolve("f"), 5000)).isTrue();
  }

  @Test
  void anAdmittedSnapshotWhoseNameWentToAnotherObjectIsDropped() throws Exception {
    AgentFixture.Volume v = fx.volume();
    fx.mountExt4(v);
    io.tresor.proto.freeze.v1.FreezeRequest r = FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(),
        "snap-conflict", 60);
    // admission saw UID X, but the object stored under that name has another UID (a name-conflict retry)
    LeaseStatus lease = fx.velero.freeze(r.toBuilder().setVolumeSnapshot(r.getVolumeSnapshot().toBuilder()
        .setUid(java.util.UUID.randomUUID().toString())).build());
    fx.cluster.snapshot(AgentFixture.NS, "snap-conflict", v.pvc(), "nightly");
    FreezeLease ended = awaitLease(lease.getLeaseId(), l -> !l.active(), 5000);
    assertThat(ended.thawCause()).isEqualTo(ThawCause.NEVER_APPEARED);
    assertThat(LoopVolume.writable(v.mountPath().resolve("f"), 5000)).isTrue();
  }
}
