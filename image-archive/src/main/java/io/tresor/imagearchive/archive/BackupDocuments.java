package io.tresor.imagearchive.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * The per-backup documents of the archive: a backup's {@code images.json} and the in-progress root that a capture
 * writes before it reuses any stored blob (the GC holds deletions while one is live). All SSE-C encrypted.
 */
public final class BackupDocuments {
    private static final int MAX_INDEX_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = ImageIndexCodec.mapper();

    private final S3BlobStore store;
    private final Clock clock;

    public BackupDocuments(S3BlobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Writes {@code inprogress/<backup>}; call it before the capture's first HEAD of a stored blob. */
    public void markInProgress(String backup) {
        ObjectNode root = JSON.createObjectNode().put("backup", backup).put("startedAt", clock.instant().toString())
                .put("keyFingerprint", store.keyFingerprint());
        try {
            store.writeObject(store.layout().inProgress(backup), JSON.writeValueAsBytes(root), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException("in-progress root of backup " + backup + " cannot be serialized", e);
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
