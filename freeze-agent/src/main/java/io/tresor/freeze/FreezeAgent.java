package io.tresor.freeze;

import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FilesystemFreezer.Outcome;
import io.tresor.freeze.fs.FilesystemFreezer.Result;
import io.tresor.freeze.journal.FreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
import io.tresor.freeze.kube.ClusterView;
import io.tresor.freeze.kube.PodFacts;
import io.tresor.freeze.kube.SnapshotEvents;
import io.tresor.freeze.kube.SnapshotWatch;
import io.tresor.freeze.kube.VolumeEligibility;
import io.tresor.freeze.kube.VolumeFacts;
import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.FreezeLedger;
import io.tresor.freeze.lease.FreezeLedger.Release;
import io.tresor.freeze.lease.FreezeLedger.SharedFreeze;
import io.tresor.freeze.lease.FreezeRequest;
import io.tresor.freeze.lease.SnapshotRef;
import io.tresor.freeze.lease.ThawCause;
import io.tresor.freeze.metrics.FreezeMetrics;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.Freezability;
import io.tresor.freeze.mount.FreezeTarget;
import io.tresor.freeze.mount.MountTable;
import io.tresor.freeze.volume.VolumePath;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's core: turns Freeze calls into leases on physical freezes and makes sure every
 * one of them ends in a thaw (snapshot cut, failure, deletion, lease expiry, shutdown).
 *
 * <p>Physical freezes and thaws of one device are serialised by a per-device lock; different
 * devices proceed in parallel. One scheduler thread times all leases (monotonic clock; the thaws run on workers); a
 * lease's timer and snapshot watch ({@link LeaseEndWatch}) end it through {@link #thaw}.
 */
public final class FreezeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(FreezeAgent.class);
  /** How long shutdown waits for freezes under way (the DaemonSet's grace period is 30 s). */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);

  /** The collaborators, grouped to keep the constructor readable. */
  public record Parts(VolumePath volumePath, Freezability freezability, MountTable mounts, FilesystemFreezer freezer,
                      FreezeJournal journal, ClusterView cluster, VolumeEligibility eligibility,
                      SnapshotWatch watch, SnapshotEvents events, FreezeMetrics metrics, Clock clock,
                      ScheduledExecutorService scheduler, ExecutorService worker, Duration maxFreeze) {}

  private final Parts p;
  private final FreezeLedger ledger;
  private final Map<DeviceNumber, Object> deviceLocks = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<FreezeLease>> inFlight = new ConcurrentHashMap<>();
  private final DeviceThaws thaws;
  private final LeaseEndWatch ends;
  private volatile boolean stopping;
  private volatile long shutdownDeadline;

  public FreezeAgent(Parts parts, FreezeLedger ledger) {
    this.p = parts;
    this.ledger = ledger;
    this.thaws = new DeviceThaws(parts.mounts(), parts.freezer(), parts.journal(), ledger, parts.scheduler(),
        parts.worker(), this::lockOf);
    this.ends = new LeaseEndWatch(ledger, parts.watch(), parts.events(), parts.clock(), parts.scheduler(),
        parts.worker(), this::thaw);
  }

  public FreezeLedger ledger() {
    return ledger;
  }

  /**
   * Filesystems whose FITHAW failed (or whose timed-out FIFREEZE may still land) and that are retried every second:
   * possibly still frozen with no lease left to end them.
   */
  public int pendingThaws() {
    return thaws.pendingCount();
  }

  /** Freezes for one admitted snapshot; idempotent per admission request UID. */
  public FreezeLease freeze(FreezeRequest request) {
    String id = request.leaseId();
    Optional<FreezeLease> known = ledger.find(id);
    if (known.isPresent()) {
      return known.get();
    }
    CompletableFuture<FreezeLease> mine = new CompletableFuture<>();
    CompletableFuture<FreezeLease> running = inFlight.putIfAbsent(id, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        // the same failure as the first caller's, not a wrapper the gRPC layer would turn into INTERNAL
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      FreezeLease lease = ledger.find(id).orElseGet(() -> freezeNew(request));
      mine.complete(lease);
      return lease;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(id);
    }
  }

  private FreezeLease freezeNew(FreezeRequest request) {
    if (stopping) {
      return skip(request, "agent-stopping", "the freeze agent is shutting down");
    }
    long t0 = System.nanoTime();
    Optional<VolumeEligibility.Refusal> refusal;
    try {
      // The PV and the pods are independent reads: ask for them at once, the freeze waits on both.
      CompletableFuture<Optional<VolumeFacts>> volume =
          CompletableFuture.supplyAsync(() -> p.cluster().volume(request.pv()), p.worker());
      List<Optional<PodFacts>> pods = new ArrayList<>();
      for (String uid : request.podUids()) {
        pods.add(p.cluster().pod(request.namespace(), uid));
      }
      refusal = p.eligibility().check(request.namespace(), request.pvc(), request.pv(), volume.join(),
          request.podUids(), pods);
    } catch (RuntimeException e) {
      // Without the facts the request cannot be checked: do not freeze.
      return skip(request, "cluster-unavailable", "cannot check the request against the cluster: " + e.getMessage());
    }
    if (refusal.isPresent()) {
      return skip(request, refusal.get().code(), refusal.get().reason());
    }
    FreezeTarget target = null;
    for (String uid : request.podUids()) {
      FreezeTarget t = p.freezability().decide(p.volumePath().mountPath(uid, request.pv()));
      if (t.freezable()) {
        target = t;
        break;
      }
      if (target == null) {
        target = t;
      }
    }
    if (!target.freezable()) {
      return skip(request, target.code(), target.reason());
    }
    long t1 = System.nanoTime();
    FreezeLease lease;
    long t2 = 0;
    synchronized (lockOf(target.device())) {
      if (stopping) {
        return skip(request, "agent-stopping", "the freeze agent is shutting down");
      }
      Optional<SharedFreeze> held = ledger.freezeOf(target.device());
      if (held.isPresent()) {
        // --lease-max-seconds bounds the filesystem's freeze, not each lease: a chain of overlapping backups must not
        // keep it frozen longer, so a lease that joins ends at the latest when the first FIFREEZE reaches the bound
        Instant joinedAt = now();
        Instant limit = held.get().frozenAt().plus(p.maxFreeze());
        if (!limit.isAfter(joinedAt)) {
          return skip(request, "freeze-limit", "other backups have kept this filesystem frozen since "
              + held.get().frozenAt() + ", the agent's limit (--lease-max-seconds=" + p.maxFreeze().toSeconds()
              + "); not joined, the snapshot is crash-consistent; it thaws when their leases end");
        }
        lease = ledger.addShared(FreezeLease.joined(request, target.device(), target.mountPoint(), joinedAt,
            held.get().frozenAt(), limit));
      } else if (thaws.journaled(target.device())) {
        // An earlier freeze of ours whose thaw is not confirmed: freezing again would overwrite its journal entry,
        // and the EBUSY that its still-frozen filesystem answers would delete it.
        return skip(request, "thaw-pending", "tresor's earlier freeze of this filesystem (device " + target.device()
            + ") is not confirmed thawed yet and is being retried (see the agent's log); not frozen again, the"
            + " snapshot is crash-consistent; retry the backup once the agent has thawed it");
      } else {
        try {
          p.journal().record(new JournalEntry(target.device(), target.mountPoint(), now()));
        } catch (UncheckedIOException e) {
          // a freeze the agent could not find again after a restart might never be thawed: do not freeze
          String why = e.getMessage() + ": " + e.getCause().getMessage();
          LOG.error("cannot record a freeze of {} in the journal: {}", target.device(), why);
          return skip(request, "journal-failed", "the freeze agent cannot write its freeze journal ("
              + why + "); not frozen, since a freeze it could not find again after a restart might never"
              + " be thawed; check the agent's journal volume");
        }
        t2 = System.nanoTime();
        Outcome o = p.freezer().freeze(target.mountPoint(), target.device());
        if (o.result() != Result.DONE) {
          return freezeFailed(request, target, o);
        }
        lease = ledger.addFirst(FreezeLease.frozen(request, target.device(), target.mountPoint(), now()));
      }
    }
    LOG.debug("freeze timings: checks {} ms, journal {} ms, FIFREEZE {} ms", (t1 - t0) / 1e6,
        t2 == 0 ? 0 : (t2 - t1) / 1e6, t2 == 0 ? 0 : (System.nanoTime() - t2) / 1e6);
    LOG.info("frozen {} ({}, {}) for {}/{} lease {} until {}{}", target.mountPoint(), target.fsType(),
        target.device(), request.namespace(), request.pvc(), lease.id(), lease.expiresAt(),
        lease.sharedFreeze() ? " (shared)" : "");
    // A freeze that finished after shutdown began may have missed thawAll's list (it sets stopping first, this
    // lease was added before the check): end it now.
    if (stopping) {
      return thaw(lease.id(), ThawCause.SHUTDOWN).orElse(lease);
    }
    try {
      ends.scheduleExpiry(lease);
    } catch (RejectedExecutionException e) {
      // no timer, no guaranteed end: never keep such a freeze
      LOG.error("cannot schedule the end of lease {} ({}): thawing at once", lease.id(), e.toString());
      return thaw(lease.id(), ThawCause.SHUTDOWN).orElse(lease);
    }
    try {
      p.worker().execute(() -> ends.follow(lease));
    } catch (RejectedExecutionException e) {
      LOG.warn("cannot watch the snapshot of lease {} ({}); the lease timer will thaw", lease.id(), e.toString());
    }
    p.events().normal(lease.snapshot(), request.pvc(), "Frozen",
        "Filesystem of PVC " + request.pvc() + " frozen for the snapshot cut (lease " + request.lease().toSeconds()
            + " s)");
    return lease;
  }

  private FreezeLease freezeFailed(FreezeRequest request, FreezeTarget target, Outcome o) {
    if (o.result() == Result.ALREADY_FROZEN) {
      // Somebody else froze it: it is theirs to thaw, never ours.
      p.journal().remove(target.device());
      return skip(request, "already-frozen",
          "filesystem was already frozen by someone else; tresor leaves it as it is");
    }
    if (o.result() == Result.UNCERTAIN) {
      // A timed-out FIFREEZE may still take effect until its process is gone (it waits uninterruptibly for
      // writers): thaw defensively, and until a thaw succeeds or finds it not frozen after that process ended,
      // the journal keeps the device and the thaw is repeated.
      DeviceNumber device = target.device();
      List<Path> mountPoints = List.of(target.mountPoint());
      thaws.watchUncertainFreeze(device, mountPoints, o.settled());
      String why = "FIFREEZE did not complete in time (" + o.detail() + "), the snapshot is"
          + " crash-consistent only; ";
      if (!thaws.thaw(device, mountPoints)) {
        return skip(request, "freeze-failed", why + "the freeze may still take effect, so tresor keeps thawing"
            + " until it is confirmed not frozen; if it repeats, find the writer that blocks the freeze or raise"
            + " --freeze-timeout-seconds");
      }
      return skip(request, "freeze-failed", why + "thawed again; if it repeats, find the writer that blocks the"
          + " freeze or raise --freeze-timeout-seconds");
    }
    // Refused or never issued: nothing is frozen by us, and nothing of anyone else's is touched.
    p.journal().remove(target.device());
    return skip(request, "freeze-failed", "FIFREEZE failed: " + o.detail());
  }

  private FreezeLease skip(FreezeRequest request, String code, String reason) {
    FreezeLease lease = ledger.addSkipped(FreezeLease.skipped(request, code, reason, now()));
    LOG.info("not frozen {}/{} (pv {}) lease {}: {}: {}", request.namespace(), request.pvc(), request.pv(),
        lease.id(), code, reason);
    p.metrics().skipped(code);
    p.events().warning(request.snapshot(), request.pvc(), "FreezeSkipped", code + ": " + reason);
    return lease;
  }

  /** Ends one lease; returns how it ended (idempotent). */
  public Optional<FreezeLease> thaw(String leaseId, ThawCause cause) {
    Optional<FreezeLease> lease = ledger.find(leaseId);
    if (lease.isEmpty() || !lease.get().active()) {
      return lease;
    }
    Optional<Release> release;
    synchronized (lockOf(lease.get().device())) {
      release = ledger.release(leaseId, cause, now());
      if (release.isPresent() && release.get().thawNeeded().isPresent()) {
        SharedFreeze freeze = release.get().thawNeeded().get();
        thaws.thaw(freeze.device(), List.copyOf(freeze.mountPoints()));
        // the lease ends when the filesystem is writable again, not when it was decided
        Instant thawed = now();
        release = Optional.of(new Release(ledger.update(leaseId, l -> l.thawed(cause, thawed)).orElseThrow(),
            release.get().thawNeeded()));
      }
    }
    ends.stop(leaseId);
    if (release.isEmpty()) {
      return ledger.find(leaseId);
    }
    FreezeLease done = release.get().lease();
    Duration held = done.frozenFor(now());
    p.metrics().thawed(cause, held);
    LOG.info("thawed lease {} ({}/{}) after {} ms: {}{}", leaseId, done.request().namespace(), done.request().pvc(),
        held.toMillis(), cause, release.get().thawNeeded().isPresent() ? "" : " (filesystem stays frozen for others)");
    p.events().normal(done.snapshot(), done.request().pvc(), "Thawed",
        String.format("Thawed after %.1f s (%s)", held.toMillis() / 1000.0, cause.name().toLowerCase()));
    return Optional.of(done);
  }

  /** Ends every lease of one snapshot. */
  public List<FreezeLease> thawSnapshot(SnapshotRef ref, ThawCause cause) {
    List<FreezeLease> out = new ArrayList<>();
    for (FreezeLease l : leasesOf(ref)) {
      thaw(l.id(), cause).ifPresent(out::add);
    }
    return out;
  }

  public List<FreezeLease> leasesOf(SnapshotRef ref) {
    return ledger.all().stream().filter(l -> l.snapshot().sameObject(ref) || l.request().snapshot().sameObject(ref))
        .toList();
  }

  /**
   * Keeps thawing, every second, what the start-up's journal recovery could not thaw (a failed FITHAW): until then
   * Freezes of those devices are skipped as thaw-pending, and without this only the next start would try again.
   */
  public void resumeJournalThaws() {
    for (JournalEntry e : p.journal().entries()) {
      LOG.warn("{} ({}) left frozen by a previous agent could not be thawed at start; retrying every second",
          e.mountPoint(), e.device());
      thaws.pendingFromJournal(e.device());
      thaws.retryEverySecond(e.device(), List.of(e.mountPoint()));
    }
  }

  /**
   * SIGTERM: refuse new freezes, wait for those under way, thaw every lease, then every freeze left in the journal
   * (failed thaws, timed-out FIFREEZEs). Waits at most {@link #SHUTDOWN_WAIT} in all, counted from the first call.
   */
  public void thawAll(ThawCause cause) {
    synchronized (this) {
      if (!stopping) {
        shutdownDeadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        stopping = true;
      }
    }
    // A Freeze past its stopping check may be inside FIFREEZE (waiting for writers): its lease must end too.
    for (CompletableFuture<FreezeLease> f : List.copyOf(inFlight.values())) {
      try {
        f.get(Math.max(0, shutdownDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.error("shutdown: a Freeze is still inside FIFREEZE after {} s; it thaws itself if it completes before"
            + " the process ends, else the journal has it for the next start", SHUTDOWN_WAIT.toSeconds());
      } catch (ExecutionException e) {
        // it failed: nothing frozen by it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (FreezeLease l : ledger.active()) {
      thaw(l.id(), cause);
    }
    for (JournalEntry e : p.journal().entries()) {
      thaws.lastThaw(e, shutdownDeadline);
    }
  }

  private Object lockOf(DeviceNumber device) {
    return deviceLocks.computeIfAbsent(device, d -> new Object());
  }

  private Instant now() {
    return p.clock().instant();
  }
}
