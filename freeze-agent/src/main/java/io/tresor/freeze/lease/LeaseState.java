package io.tresor.freeze.lease;

/** Life of a lease: frozen until thawed; skipped leases never froze anything. */
public enum LeaseState { FROZEN, SKIPPED, THAWED }
