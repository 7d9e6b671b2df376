package io.tresor.freeze.lease;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Bookkeeping of leases and of the physical freezes they share. Pure (no I/O), thread-safe.
 *
 * <p>Two leases on the same superblock share one FIFREEZE: the device stays frozen while any
 * lease holds it, and only the release of the last holder asks for FITHAW. Ended leases are kept
 * (bounded) so that Status and an idempotent Thaw can still report how they ended.
 */
public final class FreezeLedger {
  /**
   * A physical freeze tresor holds on one device. {@code mountPoints}: every holder's mount, first holder's first
   * (any of them can thaw it when another pod's mount is gone).
   */
  public record SharedFreeze(DeviceNumber device, Path mountPoint, Instant frozenAt, Set<String> holders,
                             Set<Path> mountPoints) {}

  /** The result of ending a lease: the ended lease, and the device to thaw if it was the last holder. */
  public record Release(FreezeLease lease, Optional<SharedFreeze> thawNeeded) {}

  private final int historyLimit;
  private final Map<String, FreezeLease> active = new HashMap<>();
  private final Map<DeviceNumber, SharedFreeze> freezes = new HashMap<>();
  private final Map<String, FreezeLease> ended;

  public FreezeLedger(int historyLimit) {
    this.historyLimit = historyLimit;
    this.ended = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, FreezeLease> eldest) {
        return size() > FreezeLedger.this.historyLimit;
      }
    };
  }

  public synchronized Optional<FreezeLease> find(String id) {
    FreezeLease lease = active.get(id);
    return lease != null ? Optional.of(lease) : Optional.ofNullable(ended.get(id));
  }

  public synchronized List<FreezeLease> active() {
    return List.copyOf(active.values());
  }

  /** Active leases first, then ended ones, oldest first. */
  public synchronized List<FreezeLease> all() {
    List<FreezeLease> all = new ArrayList<>(active.values());
    all.addAll(ended.values());
    return all;
  }

  public synchronized Optional<SharedFreeze> freezeOf(DeviceNumber device) {
    return Optional.ofNullable(freezes.get(device));
  }

  public synchronized List<SharedFreeze> freezes() {
    return List.copyOf(freezes.values());
  }

  /**
   * When the oldest physical freeze held now began (empty when none): of the device, not of one lease, since a
   * filesystem shared by overlapping leases stays frozen from its first holder's freeze on.
   */
  public synchronized Optional<Instant> oldestFreeze() {
    return freezes.values().stream().map(SharedFreeze::frozenAt).min(Instant::compareTo);
  }

  /** Records a lease that froze the device itself (first holder). */
  public synchronized FreezeLease addFirst(FreezeLease lease) {
    requireNew(lease.id());
    if (freezes.containsKey(lease.device())) {
      throw new IllegalStateException("device " + lease.device() + " is already frozen by tresor");
    }
    Set<String> holders = new LinkedHashSet<>();
    holders.add(lease.id());
    Set<Path> mountPoints = new LinkedHashSet<>();
    mountPoints.add(lease.mountPoint());
    freezes.put(lease.device(), new SharedFreeze(lease.device(), lease.mountPoint(), lease.frozenAt(), holders,
        mountPoints));
    active.put(lease.id(), lease);
    return lease;
  }

  /** Records a lease that joins tresor's existing freeze of its device. */
  public synchronized FreezeLease addShared(FreezeLease lease) {
    requireNew(lease.id());
    SharedFreeze freeze = freezes.get(lease.device());
    if (freeze == null) {
      throw new IllegalStateException("device " + lease.device() + " is not frozen by tresor");
    }
    freeze.holders().add(lease.id());
    freeze.mountPoints().add(lease.mountPoint());
    active.put(lease.id(), lease);
    return lease;
  }

  /** Records a lease that never froze anything. */
  public synchronized FreezeLease addSkipped(FreezeLease lease) {
    requireNew(lease.id());
    ended.put(lease.id(), lease);
    return lease;
  }

  /** Ends an active lease; empty when it is not active (already ended or unknown). */
  public synchronized Optional<Release> release(String id, ThawCause cause, Instant at) {
    FreezeLease lease = active.remove(id);
    if (lease == null) {
      return Optional.empty();
    }
    FreezeLease done = lease.thawed(cause, at);
    ended.put(id, done);
    SharedFreeze freeze = freezes.get(lease.device());
    freeze.holders().remove(id);
    if (freeze.holders().isEmpty()) {
      freezes.remove(lease.device());
      return Optional.of(new Release(done, Optional.of(freeze)));
    }
    return Optional.of(new Release(done, Optional.empty()));
  }

  /** Applies a change to a lease wherever it is (active or ended). */
  public synchronized Optional<FreezeLease> update(String id, UnaryOperator<FreezeLease> change) {
    if (active.containsKey(id)) {
      return Optional.of(active.merge(id, active.get(id), (old, same) -> change.apply(old)));
    }
    if (ended.containsKey(id)) {
      return Optional.of(ended.merge(id, ended.get(id), (old, same) -> change.apply(old)));
    }
    return Optional.empty();
  }

  private void requireNew(String id) {
    if (active.containsKey(id) || ended.containsKey(id)) {
      throw new IllegalStateException("lease " + id + " exists");
    }
  }
}
