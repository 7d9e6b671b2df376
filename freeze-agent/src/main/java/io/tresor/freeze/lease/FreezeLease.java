package io.tresor.freeze.lease;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One Freeze call's claim on a filesystem freeze, keyed by the admission request UID.
 * Immutable: every change yields a new value held by the {@link FreezeLedger}.
 */
public record FreezeLease(String id, FreezeRequest request, SnapshotRef snapshot, LeaseState state,
                          String skipCode, String skipReason, boolean sharedFreeze, DeviceNumber device,
                          Path mountPoint, Instant frozenAt, Instant expiresAt, Instant thawedAt,
                          ThawCause thawCause, Consistency consistency, String snapshotHandle) {

  public static FreezeLease frozen(FreezeRequest request, DeviceNumber device, Path mountPoint, boolean shared,
                                   Instant frozenAt) {
    return new FreezeLease(request.leaseId(), request, request.snapshot(), LeaseState.FROZEN, "", "",
        shared, device, mountPoint, frozenAt, frozenAt.plus(request.lease()), null, null, Consistency.UNKNOWN, "");
  }

  public static FreezeLease skipped(FreezeRequest request, String code, String reason, Instant now) {
    return new FreezeLease(request.leaseId(), request, request.snapshot(), LeaseState.SKIPPED, code,
        reason, false, null, null, null, null, now, null, Consistency.NOT_FROZEN, "");
  }

  public FreezeLease thawed(ThawCause cause, Instant at) {
    return new FreezeLease(id, request, snapshot, LeaseState.THAWED, skipCode, skipReason, sharedFreeze, device,
        mountPoint, frozenAt, expiresAt, at, cause, consistency, snapshotHandle);
  }

  public FreezeLease withSnapshot(SnapshotRef found) {
    return new FreezeLease(id, request, found, state, skipCode, skipReason, sharedFreeze, device, mountPoint,
        frozenAt, expiresAt, thawedAt, thawCause, consistency, snapshotHandle);
  }

  public FreezeLease withCut(String handle, Consistency verdict) {
    return new FreezeLease(id, request, snapshot, state, skipCode, skipReason, sharedFreeze, device, mountPoint,
        frozenAt, expiresAt, thawedAt, thawCause, verdict, handle);
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
