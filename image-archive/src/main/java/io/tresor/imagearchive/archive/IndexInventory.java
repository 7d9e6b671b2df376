package io.tresor.imagearchive.archive;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.gc.SweepInput;
import io.tresor.imagearchive.index.ImageIndexReferences;
import io.tresor.imagearchive.layout.ArchiveLayout;
import io.tresor.imagearchive.s3.ArchiveStoreException;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the index documents of a storage location one at a time and reduces each backup to what the sweep needs:
 * written time, key fingerprints and referenced digests. No parsed index outlives its document, and every digest is
 * one shared object however many backups reference it (30 daily backups mostly reference the same blobs).
 */
final class IndexInventory {
    private static final Logger LOG = LoggerFactory.getLogger(IndexInventory.class);

    private final S3BlobStore store;
    private final ArchiveLayout layout;
    private final Map<Digest, Digest> pool = new HashMap<>();

    IndexInventory(S3BlobStore store) {
        this.store = store;
        this.layout = store.layout();
    }

    /** The one shared instance of {@code digest}. */
    Digest intern(Digest digest) {
        Digest known = pool.putIfAbsent(digest, digest);
        return known == null ? digest : known;
    }

    /** An index document as listed: what the sweep needs of it, not the SDK's whole listing entry. */
    private record Document(String key, Instant lastModified) {
    }

    /** Every backup with index documents under the location, one after the other. */
    List<SweepInput.BackupIndex> backups() {
        Map<String, List<Document>> documents = new TreeMap<>();
        store.forEachObject(layout.backupsDirectory(), o -> layout.indexDocumentBackup(o.key()).ifPresent(b ->
                documents.computeIfAbsent(b, x -> new ArrayList<>()).add(new Document(o.key(), o.lastModified()))));
        List<SweepInput.BackupIndex> backups = new ArrayList<>();
        documents.forEach((backup, objects) -> backups.add(backup(backup, objects)));
        return backups;
    }

    private SweepInput.BackupIndex backup(String backup, List<Document> objects) {
        Map<String, Set<Digest>> references = new HashMap<>();
        List<String> unreadable = new ArrayList<>();
        Instant written = Instant.MIN;
        for (Document o : objects) {
            Instant at = o.lastModified();
            try {
                Optional<ImageIndexReferences> read = read(o.key());
                if (read.isEmpty()) {
                    continue; // deleted since the listing (by another pass)
                }
                references.computeIfAbsent(read.get().keyFingerprint(), fp -> new HashSet<>()).addAll(read.get().digests());
                at = written(read.get(), o);
            } catch (ArchiveStoreException | IllegalArgumentException | UncheckedIOException e) {
                LOG.warn("storage location {}: {} is unreadable, the GC holds deletions: {}", store.location().name(), o.key(), e.getMessage());
                unreadable.add(o.key());
            }
            written = at.isAfter(written) ? at : written;
        }
        // an array-backed list per fingerprint: 4 bytes a reference instead of a hash set's entry of ~40
        Map<String, List<Digest>> compact = new HashMap<>();
        references.forEach((fp, digests) -> compact.put(fp, Arrays.asList(digests.toArray(Digest[]::new))));
        return new SweepInput.BackupIndex(backup, written, compact, unreadable);
    }

    private Optional<ImageIndexReferences> read(String key) {
        Optional<InputStream> in = store.openObject(key);
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream s = in.get()) {
            return Optional.of(ImageIndexReferences.read(s, key, this::intern));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + key + " failed", e);
        }
    }

    // Ages are judged with the time the plugin wrote into the document, on the same clock as "now"
    private static Instant written(ImageIndexReferences document, Document object) {
        try {
            return Instant.parse(document.createdAt());
        } catch (RuntimeException e) {
            return object.lastModified();
        }
    }
}
