package io.tresor.freeze.lease;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One Freeze call's claim on a filesystem freeze, keyed by the admission request UID.
 * Immutable: every change yields a new value held by the {@link FreezeLedger}.
 *
 * <p>{@code frozenAt} is when this lease began to hold the freeze; {@code filesystemFrozenAt} when the filesystem's
 * freeze began: the same for the lease that froze it, earlier for one that joined another backup's freeze. A cut
 * between the two is inside the freeze.
 */
public record FreezeLease(String id, FreezeRequest request, SnapshotRef snapshot, LeaseState state,
                          String skipCode, String skipReason, boolean sharedFreeze, DeviceNumber device,
                          Path mountPoint, Instant frozenAt, Instant filesystemFrozenAt, Instant expiresAt,
                          Instant thawedAt, ThawCause thawCause, Consistency consistency, String snapshotHandle) {

  /** A lease whose FIFREEZE froze the filesystem. */
  public static FreezeLease frozen(FreezeRequest request, DeviceNumber device, Path mountPoint, Instant frozenAt) {
    return new FreezeLease(request.leaseId(), request, request.snapshot(), LeaseState.FROZEN, "", "",
        false, device, mountPoint, frozenAt, frozenAt, frozenAt.plus(request.lease()), null, null,
        Consistency.UNKNOWN, "");
  }

  /**
   * A lease that joined tresor's freeze of the filesystem, which began at {@code filesystemFrozenAt}; it ends at its
   * own lease's end, or at {@code latestEnd} (the bound of the filesystem's freeze) when that comes first.
   */
  public static FreezeLease joined(FreezeRequest request, DeviceNumber device, Path mountPoint, Instant joinedAt,
                                   Instant filesystemFrozenAt, Instant latestEnd) {
    Instant end = joinedAt.plus(request.lease());
    return new FreezeLease(request.leaseId(), request, request.snapshot(), LeaseState.FROZEN, "", "",
        true, device, mountPoint, joinedAt, filesystemFrozenAt, end.isAfter(latestEnd) ? latestEnd : end, null, null,
        Consistency.UNKNOWN, "");
  }

  public static FreezeLease skipped(FreezeRequest request, String code, String reason, Instant now) {
    return new FreezeLease(request.leaseId(), request, request.snapshot(), LeaseState.SKIPPED, code,
        reason, false, null, null, null, null, null, now, null, Consistency.NOT_FROZEN, "");
  }

  public FreezeLease thawed(ThawCause cause, Instant at) {
    return new FreezeLease(id, request, snapshot, LeaseState.THAWED, skipCode, skipReason, sharedFreeze, device,
        mountPoint, frozenAt, filesystemFrozenAt, expiresAt, at, cause, consistency, snapshotHandle);
  }

  public FreezeLease withSnapshot(SnapshotRef found) {
    return new FreezeLease(id, request, found, state, skipCode, skipReason, sharedFreeze, device, mountPoint,
        frozenAt, filesystemFrozenAt, expiresAt, thawedAt, thawCause, consistency, snapshotHandle);
  }

  public FreezeLease withCut(String handle, Consistency verdict) {
    return new FreezeLease(id, request, snapshot, state, skipCode, skipReason, sharedFreeze, device, mountPoint,
        frozenAt, filesystemFrozenAt, expiresAt, thawedAt, thawCause, verdict, handle);
  }

  public boolean active() {
    return state == LeaseState.FROZEN;
  }

  /** How long this lease held the filesystem frozen (up to now while active). */
  public Duration frozenFor(Instant now) {
    if (frozenAt == null) {
      return Duration.ZERO;
    }
    return Duration.between(frozenAt, thawedAt != null ? thawedAt : now);
  }
}
