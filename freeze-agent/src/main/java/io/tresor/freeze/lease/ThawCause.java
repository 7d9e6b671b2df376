package io.tresor.freeze.lease;

/** Why a lease ended; each is counted in the auto-thaw metric. */
public enum ThawCause {
  SNAPSHOT_HANDLE, SNAPSHOT_DELETED, SNAPSHOT_FAILED, LEASE_EXPIRED, SHUTDOWN, STARTUP_JOURNAL, THAW_CALL,
  NEVER_APPEARED
}
