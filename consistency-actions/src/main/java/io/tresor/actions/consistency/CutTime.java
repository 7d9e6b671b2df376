package io.tresor.actions.consistency;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * When the storage cut a snapshot, and how precisely that is known: to the nanosecond from the VolumeSnapshotContent,
 * only to the second from the VolumeSnapshot.
 */
public record CutTime(Instant at, Precision precision) {

  /** How precisely the cut time is known; the cut happened in {@code [at, at + one unit)}. */
  public enum Precision {
    /** VolumeSnapshotContent {@code status.creationTime}: int64 nanoseconds since the epoch. */
    NANOSECOND,
    /** VolumeSnapshot {@code status.creationTime}: a metav1.Time, RFC 3339 truncated to the second. */
    SECOND
  }

  public CutTime {
    if (at == null || precision == null) {
      throw new IllegalArgumentException("a cut time needs an instant and a precision");
    }
  }

  /** From a VolumeSnapshotContent's {@code status.creationTime}. */
  public static CutTime ofContentNanos(long epochNanos) {
    return new CutTime(Instant.ofEpochSecond(0, epochNanos), Precision.NANOSECOND);
  }

  /**
   * From a VolumeSnapshot's {@code status.creationTime}.
   *
   * @throws IllegalArgumentException naming the field when the text is not an RFC 3339 time
   */
  public static CutTime ofSnapshotTime(String rfc3339) {
    try {
      return new CutTime(Instant.parse(rfc3339), Precision.SECOND);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("VolumeSnapshot status.creationTime \"" + rfc3339
          + "\" is not an RFC 3339 time", e);
    }
  }

  /** The first instant after the cut's unit: the cut surely happened before it. */
  public Instant end() {
    return precision == Precision.SECOND ? at.plusSeconds(1) : at.plusNanos(1);
  }

  /**
   * How a sentence names the cut: {@code 2025-12-01T20:00:00.441517233Z} or
   * {@code 2025-12-01T20:00:00Z (known only to the second)}.
   */
  public String describe() {
    return at + (precision == Precision.SECOND ? " (known only to the second)" : "");
  }
}
