package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.archive.BackupDocuments;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backup's index, one document per ImageStream ({@code backups/<backup>/imagestreams/<namespace>/<name>.json}), and
 * its in-progress root. Velero runs one plugin process per backup and may call the action for several ImageStreams at
 * once; each writes only its own document, so captures never wait for each other nor re-read what others wrote.
 */
final class BackupImageIndex {
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, int[]> active = new ConcurrentHashMap<>();
    private final Set<String> markedLayout = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    BackupImageIndex(Clock clock) {
        this.clock = clock;
    }

    /** Writes the in-progress root before the capture looks at any stored blob (the GC then holds its deletions). */
    void begin(S3BlobStore store, String backup) {
        String key = key(store, backup);
        synchronized (lock(key)) {
            int[] n = active.computeIfAbsent(key, k -> new int[1]);
            n[0]++;
            try {
                new BackupDocuments(store, clock).markInProgress(backup);
            } catch (RuntimeException | Error e) {
                // this capture ends here without end(): uncounted, or the root would outlive every later capture of
                // the backup and hold the location's GC until it is stale
                if (--n[0] <= 0) {
                    active.remove(key);
                }
                throw e;
            }
        }
    }

    /** Captures of this backup that began and have not ended (tests). */
    int running(S3BlobStore store, String backup) {
        int[] n = active.get(key(store, backup));
        return n == null ? 0 : n[0];
    }

    /** Removes the in-progress root when no capture of this backup runs any more (the index now holds everything). */
    void end(S3BlobStore store, String backup) {
        String key = key(store, backup);
        synchronized (lock(key)) {
            int[] n = active.get(key);
            if (n != null && --n[0] <= 0) {
                active.remove(key);
                new BackupDocuments(store, clock).clearInProgress(backup);
            }
        }
    }

    /**
     * Writes (or replaces) the index document of one ImageStream and its images; returns it as written. Reads nothing
     * and writes no other ImageStream's document: O(1) per ImageStream whatever the size of the backup.
     */
    ImageIndex add(S3BlobStore store, String backup, ImageStreamRecord imageStream, List<ImageRecord> images) {
        BackupDocuments documents = new BackupDocuments(store, clock);
        String key = key(store, backup);
        synchronized (lock(key)) {
            // once per backup and process, before its first document: older plugins then refuse the backup clearly
            if (markedLayout.add(key)) {
                try {
                    documents.writeLayoutMarker(backup);
                } catch (RuntimeException | Error e) {
                    markedLayout.remove(key);
                    throw e;
                }
            }
        }
        Map<Digest, ImageRecord> distinct = new LinkedHashMap<>();
        images.forEach(i -> distinct.putIfAbsent(i.digest(), i));
        ImageIndex index = new ImageIndex(ImageIndex.SCHEMA_VERSION, backup, store.keyFingerprint(), clock.instant().toString(),
                List.of(imageStream), new ArrayList<>(distinct.values()));
        documents.writeImageStreamIndex(index);
        return index;
    }

    private Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    private static String key(S3BlobStore store, String backup) {
        return store.location().name() + "/" + store.layout().root() + "/" + backup;
    }
}
