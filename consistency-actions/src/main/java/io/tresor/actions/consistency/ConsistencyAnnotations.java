package io.tresor.actions.consistency;

import java.util.List;

/**
 * The annotations tresor writes on backed-up objects (and removes again on restore). The tenant's opt-out
 * {@code tresor.io/freeze} is not one of them: it is the tenant's own and is restored as it was.
 */
public final class ConsistencyAnnotations {
  /** On a VolumeSnapshot: {@code frozen}, {@code cut-before-freeze}, {@code not-frozen} or {@code unknown}. */
  public static final String CONSISTENCY = "tresor.io/consistency";
  /** On a VolumeSnapshot: the human-readable result, e.g. {@code frozen 1834 ms (thawed: snapshot handle)}. */
  public static final String DETAIL = "tresor.io/consistency-detail";
  /** On a pod: JSON object volume name → the line reported for that volume. */
  public static final String VOLUMES = "tresor.io/volume-consistency";

  /** Everything the restore action strips. */
  public static final List<String> ALL = List.of(CONSISTENCY, DETAIL, VOLUMES);

  private ConsistencyAnnotations() {}
}
