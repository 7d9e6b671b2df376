package io.tresor.actions.consistency;

/**
 * What tresor can say about one volume's snapshot: a short word for the annotation, a sentence for the backup
 * log and the tenant's Event, and whether Velero should count it as a backup warning.
 */
public record Verdict(String word, String sentence, boolean warning, String eventReason) {

  public static Verdict frozen(String sentence) {
    return new Verdict("frozen", sentence, false, "Frozen");
  }

  public static Verdict cutBeforeFreeze(String sentence) {
    return new Verdict("cut-before-freeze", sentence, true, "CutBeforeFreeze");
  }

  /** Not frozen for a reason that is a choice of the cluster or tenant (NFS, block volume, opt-out…). */
  public static Verdict notFrozenByDesign(String sentence) {
    return new Verdict("not-frozen", sentence, false, "NotFrozen");
  }

  /** Not frozen although it should have been: something went wrong. */
  public static Verdict notFrozenUnexpectedly(String sentence) {
    return new Verdict("not-frozen", sentence, true, "NotFrozen");
  }

  public static Verdict unknown(String sentence) {
    return new Verdict("unknown", sentence, true, "ConsistencyUnknown");
  }

  /** A copy whose sentence carries one more clause. */
  public Verdict and(String clause) {
    return new Verdict(word, sentence + "; " + clause, warning, eventReason);
  }
}
