package io.tresor.imagearchive.gc;

import io.tresor.imagearchive.Digest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sweep pass decided.
 *
 * @param indexesToDelete    backups whose index documents go: being deleted, or their Velero backup is gone
 * @param inProgressToDelete stale in-progress roots of captures that died
 * @param blobsToDelete      per key fingerprint, blobs unreferenced in this pass and in the previous one
 * @param next               the state to store for the next pass
 * @param holds              why blobs that would otherwise go were kept this pass (empty when none were held)
 */
public record SweepDecision(List<String> indexesToDelete, List<String> inProgressToDelete,
                            Map<String, Set<Digest>> blobsToDelete, SweepState next, List<String> holds) {
    public SweepDecision {
        indexesToDelete = List.copyOf(indexesToDelete);
        inProgressToDelete = List.copyOf(inProgressToDelete);
        blobsToDelete = Map.copyOf(blobsToDelete);
        holds = List.copyOf(holds);
    }

    public int blobCount() {
        return blobsToDelete.values().stream().mapToInt(Set::size).sum();
    }
}
