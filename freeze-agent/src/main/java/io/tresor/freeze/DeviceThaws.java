package io.tresor.freeze;

import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FilesystemFreezer.Outcome;
import io.tresor.freeze.fs.FilesystemFreezer.Result;
import io.tresor.freeze.journal.FreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
import io.tresor.freeze.lease.FreezeLedger;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.MountEntry;
import io.tresor.freeze.mount.MountTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Physical thaws of the devices tresor froze, until each is confirmed: FITHAW through any mount of the device, the
 * journal entry kept until the device is known not to be frozen by tresor any more, retries every second, and
 * timed-out FIFREEZEs that may still land until their process is gone. Callers hold the device's lock
 * ({@code lockOf}); the retries take it themselves.
 */
final class DeviceThaws {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceThaws.class);
  /** A repeated FITHAW failure is logged on the first attempt and then once a minute (retries are every second). */
  private static final int REPEATED_FAILURE_LOG_EVERY = 60;

  private final MountTable mounts;
  private final FilesystemFreezer freezer;
  private final FreezeJournal journal;
  private final FreezeLedger ledger;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService worker;
  private final Function<DeviceNumber, Object> lockOf;
  /** Failed FITHAWs per device since its last success. */
  private final Map<DeviceNumber, Integer> attempts = new ConcurrentHashMap<>();
  /** Devices whose FIFREEZE timed out: done when its process is gone and the freeze can no longer take effect. */
  private final Map<DeviceNumber, CompletableFuture<?>> unsettled = new ConcurrentHashMap<>();
  /**
   * Devices whose last thaw was not confirmed and that are retried (journal entries no lease holds): the filesystems
   * the agent may have left frozen. A concurrent set, so that a metrics scrape never waits for a device lock.
   */
  private final Set<DeviceNumber> pending = ConcurrentHashMap.newKeySet();

  DeviceThaws(MountTable mounts, FilesystemFreezer freezer, FreezeJournal journal, FreezeLedger ledger,
              ScheduledExecutorService scheduler, ExecutorService worker, Function<DeviceNumber, Object> lockOf) {
    this.mounts = mounts;
    this.freezer = freezer;
    this.journal = journal;
    this.ledger = ledger;
    this.scheduler = scheduler;
    this.worker = worker;
    this.lockOf = lockOf;
  }

  /** FITHAW now; true when the device is known not to be frozen by tresor any more, else retried every second. */
  boolean thaw(DeviceNumber device, List<Path> mountPoints) {
    return thaw(device, mountPoints, true);
  }

  /**
   * A FIFREEZE that timed out and may still take effect until {@code settled} (its process is gone): the thaw is
   * repeated until it succeeds or finds the device not frozen after that, and once more the moment it settles.
   */
  void watchUncertainFreeze(DeviceNumber device, List<Path> mountPoints, CompletableFuture<?> settled) {
    unsettled.put(device, settled);
    settled.whenComplete((r, e) -> {
      try {
        worker.execute(() -> retryNow(device, mountPoints, false));
      } catch (RejectedExecutionException stopped) {
        // shutting down: the agent's last journal pass looks at it
      }
    });
  }

  /** How many filesystems are left not confirmed thawed and retried (see {@link #pending}). */
  int pendingCount() {
    return pending.size();
  }

  /** A journal entry the start-up recovery could not thaw: pending until a retry confirms it thawed. */
  void pendingFromJournal(DeviceNumber device) {
    pending.add(device);
  }

  /** Retries every second what the journal holds for {@code device}, while no lease holds it. */
  void retryEverySecond(DeviceNumber device, List<Path> mountPoints) {
    try {
      // the retry itself on a worker: a FITHAW that hangs must not hold up the timer thread that ends the leases
      scheduler.schedule(() -> {
        try {
          worker.execute(() -> retryNow(device, mountPoints, true));
        } catch (RejectedExecutionException stopping) {
          retryNow(device, mountPoints, true);
        }
      }, 1, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      LOG.error("cannot schedule another FITHAW of {} ({}): shutting down; the journal keeps it for the next start",
          device, e.toString());
    }
  }

  /**
   * Shutdown's last thaw of a journal entry no lease holds, waiting until {@code deadlineNanos} for a timed-out
   * FIFREEZE to end first; what stays in the journal is thawed at the next start. Takes the device's lock.
   */
  void lastThaw(JournalEntry e, long deadlineNanos) {
    synchronized (lockOf.apply(e.device())) {
      if (ledger.freezeOf(e.device()).isPresent() || !journaled(e.device())) {
        return;
      }
      CompletableFuture<?> freezing = unsettled.get(e.device());
      if (freezing != null) {
        try {
          freezing.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException ignored) {
          // thawed below as far as it can be; the journal keeps the rest
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      if (!thaw(e.device(), List.of(e.mountPoint()), false)) {
        LOG.error("shutdown: {} ({}) could not be confirmed thawed; it stays in the journal and the next start"
            + " thaws it; until then thaw it by hand (fsfreeze -u on any mount of the device)", e.mountPoint(),
            e.device());
      }
    }
  }

  /** Whether the journal still has a freeze of {@code device} (recorded before its FIFREEZE, removed once thawed). */
  boolean journaled(DeviceNumber device) {
    return journal.entries().stream().anyMatch(e -> e.device().equals(device));
  }

  private boolean thaw(DeviceNumber device, List<Path> mountPoints, boolean retry) {
    int attempt = attempts.merge(device, 1, Integer::sum);
    CompletableFuture<?> freezing = unsettled.get(device);
    // Read before the thaw: a timed-out FIFREEZE that ends after this thaw's EINVAL leaves the filesystem frozen.
    boolean freezeOver = freezing == null || freezing.isDone();
    Outcome o = thawThroughAnyMount(device, mountPoints);
    Path mountPoint = mountPoints.get(0);
    if (o.result() == Result.DONE || (o.result() == Result.NOT_FROZEN && freezeOver)) {
      if (unsettled.remove(device) != null) {
        LOG.info("{} ({}): its timed-out FIFREEZE is settled: {}", mountPoint, device,
            o.result() == Result.DONE ? "it had frozen the filesystem, thawed" : "it never froze the filesystem");
      }
      journal.remove(device);
      attempts.remove(device);
      pending.remove(device);
      return true;
    }
    pending.add(device);
    if (attempt % REPEATED_FAILURE_LOG_EVERY == 1) {
      // the first failure, then one line a minute: a line a second would bury everything else in the log
      if (o.result() == Result.NOT_FROZEN) {
        LOG.warn("{} ({}) is not frozen, but its timed-out FIFREEZE is still running; kept in the journal, thawing"
            + " again until that process is gone", mountPoint, device);
      } else {
        LOG.error("FITHAW of {} ({}) failed: {}; kept in the journal, retrying every second (attempt {}); if it"
            + " persists, thaw it by hand (fsfreeze -u on any mount of the device)", mountPoint, device, o.detail(),
            attempt);
      }
    }
    if (retry) {
      retryEverySecond(device, mountPoints);
    }
    return false;
  }

  /**
   * FITHAW through the first path that works and is on the device now: the holders' mounts, then every other
   * mount of the device (another pod's bind mount, the kubelet's global mount). A pod deleted during the freeze
   * takes its mount with it while the superblock stays frozen; its path may then be a plain directory of another
   * filesystem, where a thaw would answer EINVAL for the wrong superblock.
   */
  private Outcome thawThroughAnyMount(DeviceNumber device, List<Path> mountPoints) {
    List<Path> tried = new ArrayList<>();
    Outcome last = null;
    for (Path path : mountPoints) {
      if (!tried.contains(path) && mounts.deviceOf(path).filter(device::equals).isPresent()) {
        tried.add(path);
        last = freezer.thaw(path, device);
        if (last.result() != Result.FAILED && last.result() != Result.UNCERTAIN) {
          return last;
        }
      }
    }
    for (MountEntry m : mounts.mounts()) {
      Path path = m.mountPoint();
      if (m.device().equals(device) && !tried.contains(path)
          && mounts.deviceOf(path).filter(device::equals).isPresent()) {
        tried.add(path);
        LOG.info("thawing {} through {}: {} is not on it any more or its FITHAW failed", device, path, mountPoints);
        last = freezer.thaw(path, device);
        if (last.result() != Result.FAILED && last.result() != Result.UNCERTAIN) {
          return last;
        }
      }
    }
    if (last != null) {
      return last;
    }
    // unmounted while frozen, the superblock stays frozen as long as its device exists: only a device gone is proof
    return mounts.deviceExists(device)
        ? new Outcome(Result.FAILED, "no mount of device " + device + " is visible (was " + mountPoints + "); it"
            + " may be frozen with no mount, and is thawed as soon as a mount of it appears")
        : new Outcome(Result.NOT_FROZEN, "device " + device + " is gone");
  }

  private void retryNow(DeviceNumber device, List<Path> mountPoints, boolean retry) {
    synchronized (lockOf.apply(device)) {
      if (ledger.freezeOf(device).isEmpty() && journaled(device)) {
        thaw(device, mountPoints, retry);
      }
    }
  }
}
