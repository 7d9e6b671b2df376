package io.tresor.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FilesystemFreezer.Outcome;
import io.tresor.freeze.fs.FilesystemFreezer.Result;
import io.tresor.freeze.journal.FreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
import io.tresor.freeze.kube.ClusterView;
import io.tresor.freeze.kube.PodFacts;
import io.tresor.freeze.kube.SnapshotEvents;
import io.tresor.freeze.kube.VolumeEligibility;
import io.tresor.freeze.kube.VolumeFacts;
import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.FreezeLedger;
import io.tresor.freeze.lease.FreezeRequest;
import io.tresor.freeze.lease.LeaseState;
import io.tresor.freeze.lease.SnapshotRef;
import io.tresor.freeze.lease.ThawCause;
import io.tresor.freeze.metrics.FreezeMetrics;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.Freezability;
import io.tresor.freeze.mount.MountEntry;
import io.tresor.freeze.mount.MountTable;
import io.tresor.freeze.volume.VolumePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's decisions around the ioctl, with fakes for every edge (no root, no cluster). */
class FreezeAgentTest {
  private static final String UID = "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f";
  private static final String UID2 = "1a2b3c4d-3b2d-4c5e-9f60-7a8b9c0d1e2f";
  private static final Path PODS = Path.of("/pods");
  private static final Path MNT = new VolumePath(PODS).mountPath(UID, "pv1");
  private static final DeviceNumber DISK = new DeviceNumber(7, 0);
  private static final DeviceNumber ROOT = new DeviceNumber(253, 0);
  private static final Path GLOBAL = Path.of("/plugins/kubernetes.io/csi/ebs.csi.aws.com/x/globalmount");

  /**
   * Scripted FIFREEZE results on a device that is frozen or not (FITHAW answers EINVAL when not); remembers every
   * call and what the journal held at that moment.
   */
  final class ScriptedFreezer implements FilesystemFreezer {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile Outcome next = Outcome.DONE;
    final Set<DeviceNumber> frozen = ConcurrentHashMap.newKeySet();
    volatile boolean thawFails;
    /** When set, FIFREEZE waits for it (writers that do not drain). */
    volatile CountDownLatch writersDrained;
    /** Devices whose FITHAW waits for the latch. */
    final Map<DeviceNumber, CountDownLatch> thawHangs = new ConcurrentHashMap<>();

    @Override
    public Outcome freeze(Path mountPoint, DeviceNumber device) {
      calls.add("freeze journal=" + journal.entries().size());
      if (writersDrained != null) {
        try {
          writersDrained.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      if (next.result() == Result.DONE) {
        frozen.add(device);
      }
      return next;
    }

    @Override
    public Outcome thaw(Path mountPoint, DeviceNumber device) {
      CountDownLatch hang = thawHangs.get(device);
      if (hang != null) {
        try {
          hang.await();   // a FITHAW (or an fsfreeze -u child) that does not return
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return thawNow(mountPoint, device);
    }

    private synchronized Outcome thawNow(Path mountPoint, DeviceNumber device) {
      calls.add("thaw");
      if (!mounts.deviceOf(mountPoint).orElseThrow().equals(device)) {
        return new Outcome(Result.FAILED, mountPoint + " is now on another device; refusing FITHAW");
      }
      if (thawFails) {
        return new Outcome(Result.FAILED, "FITHAW failed: errno 5");
      }
      return frozen.remove(device) ? Outcome.DONE : new Outcome(Result.NOT_FROZEN, "FITHAW failed: errno 22");
    }
  }

  final class MemoryJournal implements FreezeJournal {
    final Map<DeviceNumber, JournalEntry> entries = new LinkedHashMap<>();
    /** When set, record waits for it (a slow journal volume). */
    volatile CountDownLatch writable;
    volatile boolean writeFails;

    @Override
    public void record(JournalEntry entry) {
      if (writable != null) {
        try {
          writable.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      if (writeFails) {
        throw new UncheckedIOException("cannot write freeze journal /var/lib/tresor/freeze.journal",
            new IOException("No space left on device"));
      }
      synchronized (this) {
        entries.put(entry.device(), entry);
      }
    }

    @Override
    public synchronized void remove(DeviceNumber device) {
      entries.remove(device);
    }

    @Override
    public synchronized List<JournalEntry> entries() {
      return new ArrayList<>(entries.values());
    }
  }

  private final MemoryJournal journal = new MemoryJournal();
  private final ScriptedFreezer freezer = new ScriptedFreezer();
  private final FakeMounts mounts = new FakeMounts();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final SteppedClock clock = new SteppedClock();
  private final FreezeAgent agent = agent();

  /** The volume mounted at MNT; tests add and remove mounts of DISK (other paths are on the node's root). */
  final class FakeMounts implements MountTable {
    final List<MountEntry> mounts = new CopyOnWriteArrayList<>(
        List.of(new MountEntry(100, 1, DISK, "/", MNT, "ext4", "/dev/loop0")));

    @Override
    public List<MountEntry> mounts() {
      return List.copyOf(mounts);
    }

    @Override
    public Optional<DeviceNumber> deviceOf(Path path) {
      return Optional.of(mounts.stream().filter(m -> m.mountPoint().equals(path)).map(MountEntry::device)
          .reduce((first, top) -> top).orElse(ROOT));
    }

    @Override
    public boolean isDirectory(Path path) {
      return true;
    }
  }

  private FreezeAgent agent() {
    return agent(Duration.ofMinutes(10));
  }

  private FreezeAgent agent(Duration maxFreeze) {
    ClusterView cluster = new ClusterView() {
      @Override
      public Optional<PodFacts> pod(String namespace, String uid) {
        return Optional.of(new PodFacts(uid, namespace, "db-0", "node-a", Map.of(), Set.of("data")));
      }

      @Override
      public Optional<VolumeFacts> volume(String pvName) {
        return Optional.of(new VolumeFacts(pvName, "ebs.csi.aws.com", "tenant", "data", "Filesystem"));
      }
    };
    FreezeLedger ledger = new FreezeLedger(100);
    return new FreezeAgent(new FreezeAgent.Parts(new VolumePath(PODS), new Freezability(mounts, Set.of()), mounts,
        freezer, journal, cluster, new VolumeEligibility("node-a", Set.of()), (ref, pvc, at, l) -> () -> { },
        SnapshotEvents.NONE, new FreezeMetrics(new SimpleMeterRegistry(), () -> ledger.active().size()),
        clock, scheduler, Executors.newCachedThreadPool(), maxFreeze), ledger);
  }

  /** The system's wall clock, which a test can step (NTP, a VM resumed, an operator's date -s). */
  static final class SteppedClock extends Clock {
    volatile Duration step = Duration.ZERO;

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.time.Instant instant() {
      return Clock.systemUTC().instant().plus(step);
    }
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static FreezeRequest request(String requestUid) {
    return request(requestUid, Duration.ofSeconds(60));
  }

  private static FreezeRequest request(String requestUid, Duration lease) {
    return new FreezeRequest("tenant", "data", "pv1", List.of(UID),
        new SnapshotRef("tenant", "snap", "", requestUid, "b"), lease);
  }

  @Test
  void aWallClockStepBackwardsDoesNotHoldAFreezePastItsLease() throws Exception {
    agent.freeze(request("r1", Duration.ofSeconds(1)));
    clock.step = Duration.ofHours(-1);    // the node's clock is stepped back while the volume is frozen
    awaitTrue(() -> freezer.frozen.isEmpty(), 2500);
    assertThat(agent.ledger().find("r1").orElseThrow().thawCause()).isEqualTo(ThawCause.NEVER_APPEARED);
  }

  @Test
  void aThawThatHangsDoesNotHoldOtherLeasesPastTheirEnd() throws Exception {
    DeviceNumber other = new DeviceNumber(7, 1);
    Path otherMnt = new VolumePath(PODS).mountPath(UID2, "pv2");
    mounts.mounts.add(new MountEntry(101, 1, other, "/", otherMnt, "ext4", "/dev/loop1"));
    CountDownLatch hung = new CountDownLatch(1);
    freezer.thawHangs.put(DISK, hung);
    try {
      agent.freeze(request("r1", Duration.ofSeconds(1)));
      Thread.sleep(100);
      assertThat(agent.freeze(new FreezeRequest("tenant", "data", "pv2", List.of(UID2),
          new SnapshotRef("tenant", "snap2", "", "r2", "b"), Duration.ofSeconds(1))).state())
          .isEqualTo(LeaseState.FROZEN);
      assertThat(freezer.frozen).containsExactlyInAnyOrder(DISK, other);
      // r1's FITHAW hangs (an fsfreeze -u that does not return): r2 still ends on time
      awaitTrue(() -> !freezer.frozen.contains(other), 1800);
      assertThat(freezer.frozen).containsExactly(DISK);
    } finally {
      hung.countDown();
    }
    awaitTrue(() -> freezer.frozen.isEmpty(), 1000);
  }

  @Test
  void theJournalHoldsTheFreezeBeforeTheIoctlAndLosesItAfterTheThaw() {
    FreezeLease lease = agent.freeze(request("r1"));
    assertThat(lease.state()).isEqualTo(LeaseState.FROZEN);
    assertThat(freezer.calls).containsExactly("freeze journal=1");
    agent.thaw("r1", ThawCause.THAW_CALL);
    assertThat(freezer.calls).containsExactly("freeze journal=1", "thaw");
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void aRefusedIoctlIsNeverFollowedByAThaw() {
    freezer.next = new FilesystemFreezer.Outcome(FilesystemFreezer.Result.FAILED, "FIFREEZE failed: errno 95");
    assertThat(agent.freeze(request("r1")).skipCode()).isEqualTo("freeze-failed");
    freezer.next = new FilesystemFreezer.Outcome(FilesystemFreezer.Result.ALREADY_FROZEN, "errno 16");
    assertThat(agent.freeze(request("r2")).skipCode()).isEqualTo("already-frozen");
    agent.thaw("r2", ThawCause.THAW_CALL);
    agent.thawAll(ThawCause.SHUTDOWN);
    assertThat(freezer.calls).containsExactly("freeze journal=1", "freeze journal=1");
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void anUncertainFreezeIsThawedAtOnce() {
    freezer.next = new FilesystemFreezer.Outcome(FilesystemFreezer.Result.UNCERTAIN, "timed out");
    assertThat(agent.freeze(request("r1")).skipCode()).isEqualTo("freeze-failed");
    assertThat(freezer.calls).containsExactly("freeze journal=1", "thaw");
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void anUncertainFreezeThatLandsAfterTheDefensiveThawIsStillThawed() throws Exception {
    // fsfreeze -f timed out and was killed, but its FIFREEZE still waits for writers: the thaw finds nothing frozen
    CompletableFuture<Void> freezeProcess = new CompletableFuture<>();
    freezer.next = new Outcome(Result.UNCERTAIN, "fsfreeze -f timed out", freezeProcess);
    FreezeLease lease = agent.freeze(request("r1"));
    assertThat(lease.skipCode()).isEqualTo("freeze-failed");
    assertThat(lease.skipReason()).contains("keeps thawing").contains("--freeze-timeout-seconds");
    assertThat(freezer.calls).containsExactly("freeze journal=1", "thaw");
    assertThat(journal.entries()).as("EINVAL is no proof while the freeze runs").extracting(JournalEntry::device)
        .containsExactly(DISK);
    // the writers drain: FIFREEZE lands, then the killed process exits
    freezer.frozen.add(DISK);
    freezeProcess.complete(null);
    awaitTrue(() -> freezer.frozen.isEmpty() && journal.entries().isEmpty(), 500);
  }

  @Test
  void anUncertainFreezeIsThawedByTheRetriesWhileItsProcessHangsAndForgottenOnlyAfterItEnded() throws Exception {
    CompletableFuture<Void> freezeProcess = new CompletableFuture<>();
    freezer.next = new Outcome(Result.UNCERTAIN, "fsfreeze -f timed out", freezeProcess);
    agent.freeze(request("r1"));
    freezer.frozen.add(DISK);    // landed; the process has not been reaped yet
    awaitTrue(() -> freezer.frozen.isEmpty(), 2500);
    // thawed, and that thaw settles it: nothing more to do
    awaitTrue(() -> journal.entries().isEmpty(), 500);

    CompletableFuture<Void> second = new CompletableFuture<>();
    freezer.next = new Outcome(Result.UNCERTAIN, "fsfreeze -f timed out", second);
    agent.freeze(request("r2"));
    Thread.sleep(1200);       // retries keep finding it not frozen: kept while the process runs
    assertThat(journal.entries()).hasSize(1);
    second.complete(null);    // it ended without freezing
    awaitTrue(() -> journal.entries().isEmpty(), 500);
    assertThat(freezer.frozen).isEmpty();
  }

  private static void awaitTrue(BooleanSupplier condition, long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  @Test
  void aFreezeWhosePodMountIsGoneIsThawedThroughAnotherMountOfTheDevice() throws Exception {
    mounts.mounts.add(new MountEntry(90, 1, DISK, "/", GLOBAL, "ext4", "/dev/loop0"));
    agent.freeze(request("r1"));
    // the pod is deleted while frozen: its bind mount goes, the superblock stays frozen behind the global mount
    mounts.mounts.removeIf(m -> m.mountPoint().equals(MNT));
    agent.thaw("r1", ThawCause.THAW_CALL);
    assertThat(freezer.frozen).isEmpty();
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void aLaterFreezeOfTheDeviceNeverTakesOverAJournalEntryItDidNotCreate() {
    agent.freeze(request("r1"));
    freezer.thawFails = true;
    agent.thaw("r1", ThawCause.THAW_CALL);
    JournalEntry pending = journal.entries().get(0);
    // still frozen by tresor, thaw being retried: the kernel would answer EBUSY to a new FIFREEZE
    freezer.next = new Outcome(Result.ALREADY_FROZEN, "FIFREEZE failed: errno 16");
    FreezeLease second = agent.freeze(request("r2"));
    assertThat(second.skipCode()).isEqualTo("thaw-pending");
    assertThat(second.skipReason()).contains("retry the backup");
    assertThat(journal.entries()).containsExactly(pending);
    assertThat(freezer.calls).filteredOn(c -> c.startsWith("freeze")).as("no second FIFREEZE").hasSize(1);
  }

  @Test
  void whatTheStartUpRecoveryCouldNotThawIsRetriedWhileTheAgentRuns() throws Exception {
    // left by a previous agent process; JournalRecovery's FITHAW failed at start
    journal.record(new JournalEntry(DISK, MNT, java.time.Instant.now().minusSeconds(30)));
    freezer.frozen.add(DISK);
    freezer.thawFails = true;
    agent.resumeJournalThaws();
    assertThat(agent.freeze(request("r1")).skipCode()).isEqualTo("thaw-pending");
    Thread.sleep(1500);
    assertThat(freezer.calls).filteredOn("thaw"::equals).as("retried while failing").isNotEmpty();
    freezer.thawFails = false;
    awaitTrue(() -> journal.entries().isEmpty(), 3000);
    assertThat(freezer.frozen).isEmpty();
    assertThat(agent.freeze(request("r2")).skipCode()).as("frozen again once thawed").isEmpty();
  }

  @Test
  void shutdownWaitsForAFreezeStillInsideFifreezeAndThawsIt() throws Exception {
    freezer.writersDrained = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    CompletableFuture<FreezeLease> call = CompletableFuture.supplyAsync(() -> agent.freeze(request("r1")), threads);
    awaitTrue(() -> freezer.calls.size() == 1, 2000);
    CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> agent.thawAll(ThawCause.SHUTDOWN), threads);
    Thread.sleep(200);
    freezer.writersDrained.countDown();   // FIFREEZE completes after SIGTERM
    shutdown.get(5, TimeUnit.SECONDS);
    call.get(5, TimeUnit.SECONDS);
    scheduler.shutdownNow();              // what AgentServer.close does next
    assertThat(freezer.frozen).as("left frozen when the process exits").isEmpty();
    assertThat(agent.ledger().find("r1").orElseThrow().thawCause()).isEqualTo(ThawCause.SHUTDOWN);
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void aLeaseWhoseTimerCannotBeScheduledIsThawedAtOnce() {
    scheduler.shutdownNow();
    FreezeLease lease = agent.freeze(request("r1"));
    assertThat(lease.state()).isEqualTo(LeaseState.THAWED);
    assertThat(freezer.frozen).isEmpty();
    assertThat(journal.entries()).isEmpty();
  }

  @Test
  void shutdownThawsWhatIsLeftInTheJournal() throws Exception {
    agent.freeze(request("r1"));
    freezer.thawFails = true;
    agent.thaw("r1", ThawCause.THAW_CALL);
    assertThat(journal.entries()).hasSize(1);
    freezer.thawFails = false;
    // a timed-out FIFREEZE of another volume that lands while the agent stops
    DeviceNumber other = new DeviceNumber(7, 1);
    Path otherMnt = new VolumePath(PODS).mountPath(UID2, "pv2");
    mounts.mounts.add(new MountEntry(101, 1, other, "/", otherMnt, "ext4", "/dev/loop1"));
    CompletableFuture<Void> freezeProcess = new CompletableFuture<>();
    freezer.next = new Outcome(Result.UNCERTAIN, "fsfreeze -f timed out", freezeProcess);
    assertThat(agent.freeze(new FreezeRequest("tenant", "data", "pv2", List.of(UID2),
        new SnapshotRef("tenant", "snap2", "", "r2", "b"), Duration.ofSeconds(60))).skipCode())
        .isEqualTo("freeze-failed");
    scheduler.shutdownNow();              // no more retries: shutdown alone must do it
    new Thread(() -> {
      sleep(300);
      freezer.frozen.add(other);
      freezeProcess.complete(null);
    }).start();
    agent.thawAll(ThawCause.SHUTDOWN);
    assertThat(freezer.frozen).isEmpty();
    assertThat(journal.entries()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aLeaseThatJoinsEndsNoLaterThanTheFilesystemsFreezeLimit() throws Exception {
    FreezeLease first = agent.freeze(request("r1"));
    Thread.sleep(20);
    FreezeLease joined = agent.freeze(new FreezeRequest("tenant", "data", "pv1", List.of(UID),
        new SnapshotRef("tenant", "snap2", "", "r2", "b"), Duration.ofMinutes(10)));
    assertThat(joined.sharedFreeze()).isTrue();
    assertThat(joined.filesystemFrozenAt()).isEqualTo(first.frozenAt());
    assertThat(joined.expiresAt()).as("capped at the first FIFREEZE + 10 min, not its own join + 10 min")
        .isEqualTo(first.frozenAt().plus(Duration.ofMinutes(10))).isBefore(joined.frozenAt().plus(Duration.ofMinutes(10)));
  }

  @Test
  void aLeaseThatWouldJoinAFreezePastTheLimitIsSkipped() throws Exception {
    FreezeAgent bounded = agent(Duration.ofMillis(200));
    bounded.freeze(request("r1"));
    Thread.sleep(250);
    FreezeLease late = bounded.freeze(new FreezeRequest("tenant", "data", "pv1", List.of(UID),
        new SnapshotRef("tenant", "snap2", "", "r2", "b"), Duration.ofSeconds(60)));
    assertThat(late.skipCode()).isEqualTo("freeze-limit");
    assertThat(late.skipReason()).contains("--lease-max-seconds").contains("crash-consistent");
    bounded.thawAll(ThawCause.SHUTDOWN);
    assertThat(freezer.frozen).isEmpty();
  }

  @Test
  void aJournalThatCannotBeWrittenMeansNoFreezeAndASkipThatSaysWhy() {
    journal.writeFails = true;
    FreezeLease lease = agent.freeze(request("r1"));
    assertThat(lease.state()).isEqualTo(LeaseState.SKIPPED);
    assertThat(lease.skipCode()).isEqualTo("journal-failed");
    assertThat(lease.skipReason()).contains("No space left on device").contains("journal volume");
    assertThat(freezer.calls).as("FIFREEZE without a journal entry").isEmpty();
    assertThat(freezer.frozen).isEmpty();
    journal.writeFails = false;
    assertThat(agent.freeze(request("r2")).skipCode()).as("frozen once the journal is writable").isEmpty();
  }

  @Test
  void aRepeatedFreezeCallWhileTheFirstIsRunningGetsTheFirstCallsFailureUnwrapped() throws Exception {
    journal.writable = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      // a failure no skip covers: the ledger refuses a second first-holder of the device
      CompletableFuture<FreezeLease> first = CompletableFuture.supplyAsync(() -> agent.freeze(request("r1")), threads);
      awaitTrue(() -> someThreadWaitsIn("MemoryJournal", "record"), 2000);
      // a plain Future: CompletableFuture would itself unwrap a CompletionException thrown by the call
      java.util.concurrent.Future<FreezeLease> retry = threads.submit(() -> agent.freeze(request("r1")));
      awaitTrue(() -> someThreadWaitsIn("CompletableFuture", "join"), 2000);
      agent.ledger().addFirst(FreezeLease.frozen(request("other"), DISK, MNT, java.time.Instant.now()));
      journal.writable.countDown();
      assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> retry.get(5, TimeUnit.SECONDS))
          .as("the retry sees the first call's exception itself, not a CompletionException around it")
          .hasCauseExactlyInstanceOf(IllegalStateException.class)
          .cause().hasMessageContaining("already frozen by tresor");
    } finally {
      threads.shutdownNow();
    }
  }

  private static boolean someThreadWaitsIn(String classSuffix, String method) {
    return Thread.getAllStackTraces().entrySet().stream().anyMatch(t -> t.getKey().getState() == Thread.State.WAITING
        && java.util.Arrays.stream(t.getValue()).anyMatch(e -> e.getClassName().endsWith(classSuffix)
            && e.getMethodName().equals(method)));
  }

  @Test
  void shutdownThawsEverythingAndRefusesNewFreezes() {
    agent.freeze(request("r1"));
    agent.freeze(request("r2"));
    agent.thawAll(ThawCause.SHUTDOWN);
    assertThat(freezer.calls).containsExactly("freeze journal=1", "thaw");
    assertThat(agent.ledger().find("r2").orElseThrow().thawCause()).isEqualTo(ThawCause.SHUTDOWN);
    assertThat(agent.freeze(request("r3")).skipCode()).isEqualTo("agent-stopping");
  }
}
