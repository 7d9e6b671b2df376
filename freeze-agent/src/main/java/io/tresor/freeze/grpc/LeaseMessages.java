package io.tresor.freeze.grpc;

import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.FreezeRequest;
import io.tresor.freeze.lease.SnapshotRef;
import io.tresor.freeze.volume.InvalidVolumeReference;
import io.tresor.freeze.volume.VolumePath;
import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/** Converts between the wire messages and the domain, validating everything a caller sends. */
public final class LeaseMessages {
  private static final Pattern REQUEST_UID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  // a lease id: a request UID, for group snapshots followed by ":<pvc>"
  private static final Pattern LEASE_ID = Pattern.compile("[A-Za-z0-9-]{1,64}(:[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?");

  private final Duration defaultLease;
  private final Duration maxLease;

  public LeaseMessages(Duration defaultLease, Duration maxLease) {
    this.defaultLease = defaultLease;
    this.maxLease = maxLease;
  }

  public FreezeRequest request(io.tresor.proto.freeze.v1.FreezeRequest m) {
    VolumePath.requireNamespace(m.getNamespace());
    VolumePath.requireObjectName("PVC name", m.getPvc());
    VolumePath.requirePvName(m.getPv());
    m.getPodUidsList().forEach(VolumePath::requirePodUid);
    if (m.getPodUidsCount() == 0 || m.getPodUidsCount() > 16) {
      throw new InvalidVolumeReference("between 1 and 16 pod UIDs are needed, got " + m.getPodUidsCount());
    }
    SnapshotRef ref = snapshot(m.getVolumeSnapshot());
    if (!ref.namespace().equals(m.getNamespace())) {
      throw new InvalidVolumeReference("the VolumeSnapshot must be in the PVC's namespace");
    }
    if (ref.requestUid().isEmpty()) {
      throw new InvalidVolumeReference("volume_snapshot.admission_request_uid is required (it keys the lease)");
    }
    Duration lease = m.getLeaseSeconds() == 0 ? defaultLease : Duration.ofSeconds(m.getLeaseSeconds());
    if (lease.compareTo(maxLease) > 0) {
      lease = maxLease;
    }
    return new FreezeRequest(m.getNamespace(), m.getPvc(), m.getPv(), m.getPodUidsList(), ref, lease);
  }

  public SnapshotRef snapshot(io.tresor.proto.freeze.v1.SnapshotRef m) {
    VolumePath.requireNamespace(m.getNamespace());
    if (!m.getName().isEmpty()) {
      VolumePath.requireObjectName("VolumeSnapshot name", m.getName());
    }
    if (!m.getUid().isEmpty()) {
      VolumePath.requirePodUid(m.getUid());
    }
    if (!m.getAdmissionRequestUid().isEmpty() && !REQUEST_UID.matcher(m.getAdmissionRequestUid()).matches()) {
      throw new InvalidVolumeReference("admission request UID has unexpected characters");
    }
    if (!m.getBackupName().isEmpty()) {
      VolumePath.requireObjectName("backup name", m.getBackupName());
    }
    SnapshotRef.Kind kind = switch (m.getKind()) {
      case VOLUME_GROUP_SNAPSHOT -> SnapshotRef.Kind.VOLUME_GROUP_SNAPSHOT;
      case SNAPSHOT_KIND_UNSPECIFIED, VOLUME_SNAPSHOT -> SnapshotRef.Kind.VOLUME_SNAPSHOT;
      case UNRECOGNIZED -> throw new InvalidVolumeReference("unknown snapshot kind " + m.getKindValue());
    };
    return new SnapshotRef(m.getNamespace(), m.getName(), m.getUid(), m.getAdmissionRequestUid(), m.getBackupName(),
        kind);
  }

  public static String leaseId(String id) {
    if (id.length() > 320 || !LEASE_ID.matcher(id).matches()) {
      throw new InvalidVolumeReference("lease id has unexpected characters");
    }
    return id;
  }

  public static LeaseStatus status(FreezeLease l) {
    LeaseStatus.Builder b = LeaseStatus.newBuilder()
        .setLeaseId(l.id())
        .setState(switch (l.state()) {
          case FROZEN -> LeaseState.FROZEN;
          case SKIPPED -> LeaseState.SKIPPED;
          case THAWED -> LeaseState.THAWED;
        })
        .setSkipCode(l.skipCode()).setSkipReason(l.skipReason())
        .setSharedFreeze(l.sharedFreeze())
        .setNamespace(l.request().namespace()).setPvc(l.request().pvc()).setPv(l.request().pv())
        .setVolumeSnapshot(ref(l.snapshot()))
        .setFrozenAtUnixMs(millis(l.frozenAt())).setFilesystemFrozenAtUnixMs(millis(l.filesystemFrozenAt()))
        .setExpiresAtUnixMs(millis(l.expiresAt()))
        .setThawedAtUnixMs(millis(l.thawedAt()))
        .setFrozenMs(l.frozenFor(Instant.now()).toMillis())
        .setConsistency(switch (l.consistency()) {
          case UNKNOWN -> Consistency.CONSISTENCY_UNSPECIFIED;
          case FROZEN_AT_CUT -> Consistency.FROZEN_AT_CUT;
          case CUT_BEFORE_FREEZE -> Consistency.CUT_BEFORE_FREEZE;
          case NOT_FROZEN -> Consistency.NOT_FROZEN;
        })
        .setSnapshotHandle(l.snapshotHandle());
    if (l.thawCause() != null) {
      b.setThawCause(ThawCause.valueOf(l.thawCause().name()));
    }
    return b.build();
  }

  static io.tresor.proto.freeze.v1.SnapshotRef ref(SnapshotRef r) {
    return io.tresor.proto.freeze.v1.SnapshotRef.newBuilder().setNamespace(r.namespace()).setName(r.name())
        .setUid(r.uid()).setAdmissionRequestUid(r.requestUid()).setBackupName(r.backupName())
        .setKind(r.group() ? io.tresor.proto.freeze.v1.SnapshotKind.VOLUME_GROUP_SNAPSHOT
            : io.tresor.proto.freeze.v1.SnapshotKind.VOLUME_SNAPSHOT).build();
  }

  private static long millis(Instant i) {
    return i == null ? 0 : i.toEpochMilli();
  }
}
