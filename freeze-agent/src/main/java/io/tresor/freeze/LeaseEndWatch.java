package io.tresor.freeze;

import io.tresor.freeze.kube.SnapshotEvents;
import io.tresor.freeze.kube.SnapshotWatch;
import io.tresor.freeze.lease.Consistency;
import io.tresor.freeze.lease.CutVerdict;
import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.FreezeLedger;
import io.tresor.freeze.lease.ThawCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ends a frozen lease other than a Thaw call or shutdown: its timer (expiry, or never-appeared when its snapshot
 * was never seen) and the watch of its snapshot (cut, failure, deletion, name taken). Each asks {@code thaw} to end
 * the lease; {@link #stop} ends both once the lease has ended. Takes no device lock itself.
 */
final class LeaseEndWatch {
  // These lines were FreezeAgent's and keep its logger name (slf4j-simple prints it): log queries and level
  // settings for io.tresor.freeze.FreezeAgent still see them.
  private static final Logger LOG = LoggerFactory.getLogger(FreezeAgent.class);

  private final FreezeLedger ledger;
  private final SnapshotWatch watch;
  private final SnapshotEvents events;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService worker;
  private final BiConsumer<String, ThawCause> thaw;
  private final Map<String, ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
  private final Map<String, AutoCloseable> follows = new ConcurrentHashMap<>();
  private final Set<String> found = ConcurrentHashMap.newKeySet();

  LeaseEndWatch(FreezeLedger ledger, SnapshotWatch watch, SnapshotEvents events, Clock clock,
                ScheduledExecutorService scheduler, ExecutorService worker, BiConsumer<String, ThawCause> thaw) {
    this.ledger = ledger;
    this.watch = watch;
    this.events = events;
    this.clock = clock;
    this.scheduler = scheduler;
    this.worker = worker;
    this.thaw = thaw;
  }

  /**
   * Schedules the end of {@code lease} at its expiry: timed on the scheduler thread, thawed on a worker.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the scheduler no longer runs
   */
  void scheduleExpiry(FreezeLease lease) {
    // The wall clock only says how much of the lease is left now; from here on the monotonic clock counts it, so a
    // step of the wall clock (NTP, a resumed VM) neither ends the lease early nor holds the freeze past it.
    long deadline = System.nanoTime() + Math.max(0, Duration.between(now(), lease.expiresAt()).toNanos());
    scheduleAt(lease.id(), deadline);
  }

  private void scheduleAt(String leaseId, long deadlineNanos) {
    timers.put(leaseId, scheduler.schedule(() -> expire(leaseId, deadlineNanos),
        Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
  }

  /** Starts watching the snapshot of {@code lease} while it is active; run on a worker thread. */
  void follow(FreezeLease lease) {
    if (!ledger.find(lease.id()).map(FreezeLease::active).orElse(false)) {
      return;
    }
    try {
      AutoCloseable f = watch.follow(lease.snapshot(), lease.request().pvc(), lease.frozenAt(),
          new LeaseFollower(lease.id()));
      follows.put(lease.id(), f);
      if (!ledger.find(lease.id()).map(FreezeLease::active).orElse(false)) {
        stop(lease.id());
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot watch the snapshot of lease {}: {}; the lease timer will thaw", lease.id(), e.toString());
    }
  }

  /** Cancels the timer of an ended lease and closes its snapshot watch (on a worker thread). */
  void stop(String leaseId) {
    found.remove(leaseId);
    ScheduledFuture<?> timer = timers.remove(leaseId);
    if (timer != null) {
      timer.cancel(false);
    }
    AutoCloseable f = follows.remove(leaseId);
    if (f != null) {
      worker.execute(() -> {
        try {
          f.close();
        } catch (Exception e) {
          LOG.debug("closing watch of {}: {}", leaseId, e.toString());
        }
      });
    }
  }

  private void expire(String leaseId, long deadlineNanos) {
    timers.remove(leaseId);
    Optional<FreezeLease> lease = ledger.find(leaseId);
    if (lease.isPresent() && lease.get().active()) {
      if (System.nanoTime() - deadlineNanos < 0) {
        scheduleAt(leaseId, deadlineNanos);   // never early (the scheduler's clock is the same monotonic one)
        return;
      }
      // A snapshot that was never seen means its admission never turned into an object.
      ThawCause cause = found.contains(leaseId) ? ThawCause.LEASE_EXPIRED : ThawCause.NEVER_APPEARED;
      // On a worker: a FITHAW that does not return (an fsfreeze -u child, a superblock lock) must not hold up the one
      // timer thread, and with it the end of every other lease on the node.
      try {
        worker.execute(() -> thaw.accept(leaseId, cause));
      } catch (RejectedExecutionException stopping) {
        thaw.accept(leaseId, cause);
      }
    }
  }

  private Instant now() {
    return clock.instant();
  }

  /**
   * Turns what the snapshot watch sees into lease changes. The cut thaws on the watch thread itself (each lease has
   * its own informers, FITHAW is one quick ioctl, Events are posted asynchronously): the tenant's writes must not
   * wait for a worker; the other ends, which have no such hurry, run on the worker.
   */
  private final class LeaseFollower implements SnapshotWatch.Listener {
    private final String leaseId;

    LeaseFollower(String leaseId) {
      this.leaseId = leaseId;
    }

    @Override
    public void found(String name, String uid) {
      if (ledger.find(leaseId).map(FreezeLease::active).orElse(false)) {
        found.add(leaseId);
        // ended in between: stop() may already have run, and nothing else would ever remove the id
        if (!ledger.find(leaseId).map(FreezeLease::active).orElse(false)) {
          found.remove(leaseId);
        }
      }
      ledger.update(leaseId, l -> l.withSnapshot(l.snapshot().found(name, uid)));
    }

    @Override
    public void cut(String handle, Instant cutAt, boolean presentBeforeFreeze) {
      Instant seen = now();
      Optional<FreezeLease> updated = ledger.update(leaseId, l -> l.active()
          ? l.withCut(handle, CutVerdict.judge(l.filesystemFrozenAt(), cutAt, seen, presentBeforeFreeze)) : l);
      thaw.accept(leaseId, ThawCause.SNAPSHOT_HANDLE);
      updated.filter(l -> l.consistency() == Consistency.CUT_BEFORE_FREEZE).ifPresent(l ->
          events.warning(l.snapshot(), l.request().pvc(), "CutBeforeFreeze",
              "The snapshot was cut before the filesystem was frozen: it is crash-consistent only"));
    }

    @Override
    public void failed(String message) {
      LOG.info("lease {}: {}", leaseId, message);
      worker.execute(() -> thaw.accept(leaseId, ThawCause.SNAPSHOT_FAILED));
    }

    @Override
    public void deleted() {
      worker.execute(() -> thaw.accept(leaseId, ThawCause.SNAPSHOT_DELETED));
    }

    @Override
    public void neverAppeared(String why) {
      LOG.info("lease {}: {}", leaseId, why);
      worker.execute(() -> thaw.accept(leaseId, ThawCause.NEVER_APPEARED));
    }
  }
}
