package io.tresor.imagearchive.gc;

import io.tresor.imagearchive.Digest;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one sweep pass found unreferenced, per key fingerprint; stored between passes so that the next pass deletes only
 * what stayed unreferenced for longer than the longest backup.
 */
public record SweepState(Instant at, Map<String, Set<Digest>> candidates) {
    public SweepState {
        Map<String, Set<Digest>> copy = new TreeMap<>();
        candidates.forEach((fp, digests) -> {
            if (!digests.isEmpty()) {
                copy.put(fp, java.util.Collections.unmodifiableSet(new TreeSet<>(digests)));
            }
        });
        candidates = java.util.Collections.unmodifiableMap(copy);
    }

    public Set<Digest> candidates(String keyFingerprint) {
        return candidates.getOrDefault(keyFingerprint, Set.of());
    }
}
