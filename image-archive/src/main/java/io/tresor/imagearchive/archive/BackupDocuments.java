package io.tresor.imagearchive.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-backup documents of the archive: a backup's {@code images.json} and the in-progress root that a capture
 * writes before it reuses any stored blob (the GC holds deletions while one is live). All SSE-C encrypted.
 */
public final class BackupDocuments {
    private static final int MAX_INDEX_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = ImageIndexCodec.mapper();
    private static final Logger LOG = LoggerFactory.getLogger(BackupDocuments.class);
    /** A sweep marker older than this belongs to a pass that died (a live pass removes it in a finally block). */
    static final Duration SWEEP_MARKER_STALE = Duration.ofMinutes(30);
    private static final Duration SWEEP_MARKER_POLL = Duration.ofMillis(250);

    private final S3BlobStore store;
    private final Clock clock;

    public BackupDocuments(S3BlobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Writes {@code inprogress/<backup>}, then waits while a sweep pass is deleting blobs; call it before the capture's
     * first HEAD of a stored blob. Root first, marker check second (the sweep does it the other way round): a pass
     * that did not see this root has its marker up, so the capture reuses nothing that pass still deletes.
     */
    public void markInProgress(String backup) {
        ObjectNode root = JSON.createObjectNode().put("backup", backup).put("startedAt", clock.instant().toString())
                .put("keyFingerprint", store.keyFingerprint());
        try {
            store.writeObject(store.layout().inProgress(backup), JSON.writeValueAsBytes(root), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException("in-progress root of backup " + backup + " cannot be serialized", e);
        }
        awaitSweepDeletions(backup);
    }

    // Listing, not HEAD: a marker may be written with another key, and its age is what matters.
    private void awaitSweepDeletions(String backup) {
        String markers = store.layout().sweepDeletingDirectory();
        long deadline = System.nanoTime() + SWEEP_MARKER_STALE.toNanos();
        boolean logged = false;
        while (true) {
            Instant staleBefore = clock.instant().minus(SWEEP_MARKER_STALE);
            boolean deleting = store.listObjects(markers).stream().anyMatch(o -> o.lastModified().isAfter(staleBefore));
            if (!deleting || System.nanoTime() > deadline) {
                return; // none, or left behind by passes that died: a live pass deletes in seconds to minutes
            }
            if (!logged) {
                LOG.info("backup {}: an image GC pass is deleting blobs in storage location {}; the capture waits for it",
                        backup, store.location().name());
                logged = true;
            }
            try {
                Thread.sleep(SWEEP_MARKER_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for an image GC pass to finish", e);
            }
        }
    }

    /** Removes {@code inprogress/<backup>}; call it after {@link #writeIndex} (or when the capture gives up). */
    public void clearInProgress(String backup) {
        store.delete(store.layout().inProgress(backup));
    }

    public void writeIndex(ImageIndex index) {
        store.writeObject(store.layout().imageIndex(index.backup()), ImageIndexCodec.write(index), "application/json");
    }

    /** The backup's index; empty when it has none (404). A wrong key fails with {@code SseKeyMismatchException}. */
    public Optional<ImageIndex> readIndex(String backup) {
        String key = store.layout().imageIndex(backup);
        return store.readObject(key, MAX_INDEX_BYTES).map(bytes -> ImageIndexCodec.read(bytes, key));
    }

}
