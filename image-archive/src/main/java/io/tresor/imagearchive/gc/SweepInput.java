package io.tresor.imagearchive.gc;

import io.tresor.imagearchive.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one sweep decision needs, as read from the storage location (the caller does the I/O).
 *
 * @param now              the time of this pass
 * @param passInterval     minimum time between the pass that marks a blob and the pass that deletes it; must exceed
 *                         the longest backup, so that a capture that reused a marked blob has written its index
 * @param inProgressMaxAge an in-progress root older than this belongs to a capture that died; it is dropped
 * @param indexes          every backup with index documents under the prefix, reduced to its references
 * @param inProgress       every {@code inprogress/<backup>} root
 * @param veleroBackups    names of the Velero backups under {@code <prefix>/backups/}
 * @param deletedBackups   backups being deleted now (their Velero directory may still exist while the delete runs)
 * @param storedBlobs      every stored blob, per key fingerprint directory
 * @param previous         the state the previous pass left, null if there was none
 */
public record SweepInput(Instant now, Duration passInterval, Duration inProgressMaxAge, List<BackupIndex> indexes,
                         List<InProgressRoot> inProgress, Set<String> veleroBackups, Set<String> deletedBackups,
                         Map<String, Set<Digest>> storedBlobs, SweepState previous) {
    public SweepInput {
        indexes = List.copyOf(indexes);
        inProgress = List.copyOf(inProgress);
        veleroBackups = Set.copyOf(veleroBackups);
        deletedBackups = Set.copyOf(deletedBackups);
        storedBlobs = Map.copyOf(storedBlobs);
    }

    /**
     * One backup's index documents (per-ImageStream documents and {@code images.json}) reduced to what a sweep needs;
     * the parsed indexes are never held, so the sweep's memory grows with distinct digests, not with backups.
     *
     * @param lastModified when its newest document was written
     * @param references   key fingerprint → every digest its readable documents reference (the same {@link Digest}
     *                     objects across backups)
     * @param unreadable   keys of its documents that could not be read (for example written with an older key): what
     *                     they need is unknown
     */
    public record BackupIndex(String backup, Instant lastModified, Map<String, List<Digest>> references, List<String> unreadable) {
        public BackupIndex {
            references = Map.copyOf(references);
            unreadable = List.copyOf(unreadable);
        }
    }

    /** One {@code inprogress/<backup>} root: a capture that may be reusing blobs right now. */
    public record InProgressRoot(String backup, Instant lastModified) {
    }
}
