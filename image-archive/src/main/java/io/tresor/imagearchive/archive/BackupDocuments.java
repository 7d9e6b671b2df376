package io.tresor.imagearchive.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.LegacyIndexSlice;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-backup documents of the archive: a backup's index documents (one per ImageStream, a legacy or marker
 * {@code images.json}) and the in-progress root that a capture writes before it reuses any stored blob (the GC holds
 * deletions while one is live). All SSE-C encrypted.
 */
public final class BackupDocuments {
    // one ImageStream's document: tags × history × blobs, tens of KB; a larger one is refused, not loaded
    private static final int MAX_INDEX_BYTES = 8 * 1024 * 1024;
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

    /** Removes {@code inprogress/<backup>}; call it after {@link #writeImageStreamIndex} (or when the capture gives up). */
    public void clearInProgress(String backup) {
        store.delete(store.layout().inProgress(backup));
    }

    /**
     * Writes {@code images.json} as a schema-2 marker without ImageStreams: the backup's records are in per-ImageStream
     * documents. Older plugins refuse its schema (their GC holds deletions, their restore says to upgrade) instead of
     * finding no index and missing what the per-ImageStream documents reference. Call it before the first of them.
     */
    public void writeLayoutMarker(String backup) {
        ImageIndex marker = new ImageIndex(ImageIndex.SCHEMA_VERSION, backup, store.keyFingerprint(), clock.instant().toString(),
                List.of(), List.of());
        store.writeObject(store.layout().imageIndex(backup), ImageIndexCodec.write(marker), "application/json");
    }

    /** Writes the index document of the one ImageStream {@code index} holds; nothing else of the backup is read or written. */
    public void writeImageStreamIndex(ImageIndex index) {
        if (index.imageStreams().size() != 1 || index.schemaVersion() != ImageIndex.SCHEMA_VERSION) {
            throw new IllegalArgumentException("an ImageStream's index document of backup " + index.backup()
                    + " holds exactly one ImageStream with schemaVersion " + ImageIndex.SCHEMA_VERSION + ", not "
                    + index.imageStreams().size() + " with schemaVersion " + index.schemaVersion());
        }
        ImageStreamRecord stream = index.imageStreams().get(0);
        store.writeObject(store.layout().imageStreamIndex(index.backup(), stream.namespace(), stream.name()),
                ImageIndexCodec.write(index), "application/json");
    }

    /**
     * The index of one ImageStream of the backup: its own document, or for a backup written before per-ImageStream
     * documents its slice of the legacy {@code images.json}; empty when neither holds it. A wrong key fails with
     * {@code SseKeyMismatchException}.
     */
    public Optional<ImageIndex> readImageStreamIndex(String backup, String namespace, String imageStream) {
        String key = store.layout().imageStreamIndex(backup, namespace, imageStream);
        Optional<ImageIndex> own = store.readObject(key, MAX_INDEX_BYTES).map(bytes -> ImageIndexCodec.read(bytes, key));
        if (own.isPresent()) {
            return own;
        }
        String legacy = store.layout().imageIndex(backup);
        Optional<InputStream> in = store.openObject(legacy);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream s = in.get()) {
            return LegacyIndexSlice.read(s, legacy, namespace, imageStream);
        } catch (IOException e) {
            throw new UncheckedIOException("storage location " + store.location().name() + ": reading " + legacy + " failed", e);
        }
    }
}
