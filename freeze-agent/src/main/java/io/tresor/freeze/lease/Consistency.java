package io.tresor.freeze.lease;

/** What a lease says about the snapshot cut it was taken for. */
public enum Consistency { UNKNOWN, FROZEN_AT_CUT, CUT_BEFORE_FREEZE, NOT_FROZEN }
