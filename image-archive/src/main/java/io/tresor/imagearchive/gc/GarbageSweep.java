package io.tresor.imagearchive.gc;

import io.tresor.imagearchive.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The two-pass blob sweep of DESIGN §5 as a pure decision: a blob is deleted only when it was unreferenced in the
 * previous pass, is still unreferenced now, the passes are more than the longest backup apart, and no capture is in
 * progress. Indexes of deleted backups, and of Velero backups that no longer exist under the prefix, are dropped.
 *
 * <p>Why this is safe: a capture reuses a blob without uploading it (HEAD says present). If that blob was marked in
 * pass 1, the capture either finished before pass 2 (its index now references the blob), or it is still running in
 * pass 2, and its in-progress root (written before its first reuse) holds every deletion.
 */
public final class GarbageSweep {
    private GarbageSweep() {
    }

    public static SweepDecision decide(SweepInput in) {
        List<String> holds = new ArrayList<>();

        List<String> inProgressToDelete = new ArrayList<>();
        Set<String> liveCaptures = new HashSet<>();
        for (SweepInput.InProgressRoot root : in.inProgress()) {
            if (in.now().isAfter(root.lastModified().plus(in.inProgressMaxAge()))) {
                inProgressToDelete.add(root.backup());
            } else {
                liveCaptures.add(root.backup());
            }
        }
        if (!liveCaptures.isEmpty()) {
            holds.add("capture in progress for backup(s) " + new TreeSet<>(liveCaptures) + ": it may be reusing unreferenced blobs");
        }

        List<String> indexesToDelete = new ArrayList<>();
        Map<String, Set<Digest>> referenced = new HashMap<>();
        for (SweepInput.BackupIndex file : in.indexes()) {
            if (isDropped(file, in, liveCaptures)) {
                indexesToDelete.add(file.backup());
                continue;
            }
            if (!file.unreadable().isEmpty()) {
                holds.add("index document(s) " + file.unreadable() + " of backup " + file.backup()
                        + " unreadable with the current key: what they need is unknown");
            }
            file.references().forEach((fp, digests) -> referenced.computeIfAbsent(fp, f -> new HashSet<>()).addAll(digests));
        }

        Map<String, Set<Digest>> unreferenced = new TreeMap<>();
        in.storedBlobs().forEach((fp, stored) -> {
            Set<Digest> u = new TreeSet<>(stored);
            u.removeAll(referenced.getOrDefault(fp, Set.of()));
            unreferenced.put(fp, u);
        });

        SweepState previous = in.previous();
        if (previous != null && in.now().isBefore(previous.at().plus(in.passInterval()))) {
            holds.add("the previous pass (" + previous.at() + ") is less than " + in.passInterval() + " ago: blobs are deleted in the next pass");
            return new SweepDecision(indexesToDelete, inProgressToDelete, Map.of(), previous, holds);
        }
        boolean held = !holds.isEmpty();
        Map<String, Set<Digest>> toDelete = new TreeMap<>();
        if (previous != null && !held) {
            unreferenced.forEach((fp, u) -> {
                Set<Digest> d = new TreeSet<>(previous.candidates(fp));
                d.retainAll(u);
                if (!d.isEmpty()) {
                    toDelete.put(fp, d);
                }
            });
        }
        if (held && previous != null) {
            // keep the old mark time: once nothing holds, the marked blobs go without waiting another interval
            return new SweepDecision(indexesToDelete, inProgressToDelete, Map.of(), previous, holds);
        }
        Map<String, Set<Digest>> nextCandidates = new TreeMap<>();
        unreferenced.forEach((fp, u) -> {
            Set<Digest> c = new TreeSet<>(u);
            c.removeAll(toDelete.getOrDefault(fp, Set.of()));
            nextCandidates.put(fp, c);
        });
        return new SweepDecision(indexesToDelete, inProgressToDelete, toDelete, new SweepState(in.now(), nextCandidates), holds);
    }

    /** An index goes when its backup is being deleted, or its Velero backup is gone and it is not a fresh capture's. */
    private static boolean isDropped(SweepInput.BackupIndex file, SweepInput in, Set<String> liveCaptures) {
        if (in.deletedBackups().contains(file.backup())) {
            return true;
        }
        if (in.veleroBackups().contains(file.backup()) || liveCaptures.contains(file.backup())) {
            return false;
        }
        // Velero uploads its backup directory only when the backup ends, after the capture wrote the index: an index
        // younger than the pass interval may belong to a backup that is still finishing
        return in.now().isAfter(file.lastModified().plus(in.passInterval()));
    }
}
