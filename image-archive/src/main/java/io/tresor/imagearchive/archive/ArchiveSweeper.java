package io.tresor.imagearchive.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.gc.GarbageSweep;
import io.tresor.imagearchive.gc.SweepDecision;
import io.tresor.imagearchive.gc.SweepInput;
import io.tresor.imagearchive.gc.SweepState;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.layout.ArchiveLayout;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs one sweep pass against a storage location: lists what is stored, lets {@link GarbageSweep} decide, deletes,
 * and stores the marks for the next pass. Idempotent: running it again after a crash only repeats deletions.
 */
public final class ArchiveSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveSweeper.class);
    private static final ObjectMapper JSON = ImageIndexCodec.mapper();

    private final S3BlobStore store;
    private final ArchiveLayout layout;
    private final Duration passInterval;
    private final Duration inProgressMaxAge;
    private final Clock clock;

    /**
     * @param passInterval     time between marking and deleting; longer than the longest backup
     * @param inProgressMaxAge in-progress roots older than this belong to dead captures
     */
    public ArchiveSweeper(S3BlobStore store, Duration passInterval, Duration inProgressMaxAge, Clock clock) {
        this.store = store;
        this.layout = store.layout();
        this.passInterval = passInterval;
        this.inProgressMaxAge = inProgressMaxAge;
        this.clock = clock;
    }

    /** Runs a pass; {@code deletedBackups} are the backups Velero is deleting now (their index goes). */
    public SweepDecision sweep(Set<String> deletedBackups) {
        dropStaleMarkers();
        Map<String, String> indexesBefore = indexObjects();
        SweepInput input = inventory(deletedBackups);
        SweepDecision decision = GarbageSweep.decide(input);
        decision.holds().forEach(h -> LOG.info("storage location {}: image GC holds deletions: {}", store.location().name(), h));
        for (String backup : decision.indexesToDelete()) {
            deleteIndexDocuments(backup);
        }
        for (String backup : decision.inProgressToDelete()) {
            store.delete(layout.inProgress(backup));
        }
        if (decision.blobCount() == 0) {
            writeState(decision.next());
            return decision;
        }
        // Two-party handshake with the captures (BackupDocuments#markInProgress): this pass writes its marker, then
        // looks for captures; a capture writes its root, then looks for the marker. One of them always sees the other:
        // a capture this pass cannot see waits for the marker to go, so it never reuses a blob deleted below.
        String marker = layout.sweepDeleting(java.util.UUID.randomUUID().toString());
        writeDeletingMarker(marker);
        try {
            String changed = changedSince(input, indexesBefore);
            if (changed != null) {
                LOG.info("storage location {}: {} during the sweep; blob deletions wait for the next pass", store.location().name(), changed);
                return new SweepDecision(decision.indexesToDelete(), decision.inProgressToDelete(), Map.of(),
                        input.previous() == null ? decision.next() : input.previous(), List.of(changed + " during the sweep"));
            }
            decision.blobsToDelete().forEach((fp, digests) -> digests.forEach(d -> store.delete(layout.blob(fp, d))));
            writeState(decision.next());
        } finally {
            store.delete(marker);
        }
        return decision;
    }

    /** Reads everything a decision needs from the location, one index document at a time. */
    public SweepInput inventory(Set<String> deletedBackups) {
        Instant now = clock.instant();
        IndexInventory inventory = new IndexInventory(store);
        List<SweepInput.BackupIndex> indexes = inventory.backups();
        return new SweepInput(now, passInterval, inProgressMaxAge, indexes, inProgressRoots(),
                Set.copyOf(store.listDirectoryNames(layout.veleroBackupsDirectory())), deletedBackups, storedBlobs(inventory),
                readState());
    }

    /** Every per-ImageStream document of the backup, then its {@code images.json}: an older plugin's GC holds while it exists. */
    private void deleteIndexDocuments(String backup) {
        for (String key : store.listKeys(layout.backupIndexDirectory(backup))) {
            if (layout.indexDocumentBackup(key).isPresent() && layout.imageIndexBackup(key).isEmpty()) {
                store.delete(key);
            }
        }
        store.delete(layout.imageIndex(backup));
    }

    private List<SweepInput.InProgressRoot> inProgressRoots() {
        List<SweepInput.InProgressRoot> roots = new ArrayList<>();
        for (S3Object o : store.listObjects(layout.inProgressDirectory())) {
            roots.add(new SweepInput.InProgressRoot(o.key().substring(layout.inProgressDirectory().length()), startedAt(o)));
        }
        return roots;
    }

    // Ages are judged with the times the plugin wrote into the documents, on the same clock as "now"; the storage's
    // Last-Modified is only the fallback, as its clock may differ from the Velero pod's.
    private Instant startedAt(S3Object root) {
        try {
            return store.readObject(root.key(), 64 * 1024).map(b -> {
                try {
                    return Instant.parse(JSON.readTree(b).path("startedAt").asText());
                } catch (IOException | RuntimeException e) {
                    return root.lastModified();
                }
            }).orElse(root.lastModified());
        } catch (RuntimeException unreadable) {
            return root.lastModified();
        }
    }

    /**
     * What changed since the inventory that may reuse blobs this pass would delete: a capture that started (new
     * in-progress root), or one that started and already finished (new or rewritten index); null when nothing did.
     */
    private String changedSince(SweepInput input, Map<String, String> indexesBefore) {
        Set<String> known = new HashSet<>();
        input.inProgress().forEach(r -> known.add(r.backup()));
        if (inProgressRoots().stream().anyMatch(r -> !known.contains(r.backup()))) {
            return "a capture started";
        }
        for (Map.Entry<String, String> now : indexObjects().entrySet()) {
            if (!now.getValue().equals(indexesBefore.get(now.getKey()))) {
                return "a capture wrote " + now.getKey();
            }
        }
        return null;
    }

    /** Index document key → ETag and Last-Modified: a rewrite within the same second still changes the ETag. */
    private Map<String, String> indexObjects() {
        Map<String, String> indexes = new HashMap<>();
        store.forEachObject(layout.backupsDirectory(), o -> {
            if (layout.indexDocumentBackup(o.key()).isPresent()) {
                indexes.put(o.key(), o.eTag() + " " + o.lastModified());
            }
        });
        return indexes;
    }

    /** Markers of passes that died mid-deletion would make every capture wait for their age to pass again and again. */
    private void dropStaleMarkers() {
        Instant staleBefore = clock.instant().minus(BackupDocuments.SWEEP_MARKER_STALE);
        for (S3Object o : store.listObjects(layout.sweepDeletingDirectory())) {
            if (o.lastModified().isBefore(staleBefore)) {
                store.delete(o.key());
            }
        }
    }

    private void writeDeletingMarker(String marker) {
        try {
            store.writeObject(marker, JSON.writeValueAsBytes(JSON.createObjectNode().put("at", clock.instant().toString())),
                    "application/json");
        } catch (IOException e) {
            throw new IllegalStateException("GC marker cannot be serialized", e);
        }
    }

    private Map<String, Set<Digest>> storedBlobs(IndexInventory inventory) {
        Map<String, Set<Digest>> stored = new HashMap<>();
        String root = layout.root();
        store.forEachKey(root + "k-", key -> {
            String rest = key.substring(root.length() + 2);
            int slash = rest.indexOf('/');
            if (slash == 32) {
                String fp = rest.substring(0, slash);
                layout.blobDigest(fp, key).ifPresent(d -> stored.computeIfAbsent(fp, f -> new HashSet<>()).add(inventory.intern(d)));
            }
        });
        return stored;
    }

    private SweepState readState() {
        try {
            Optional<byte[]> bytes = store.readObject(layout.sweepState(), 64 * 1024 * 1024);
            if (bytes.isEmpty()) {
                return null;
            }
            JsonNode root = JSON.readTree(bytes.get());
            Map<String, Set<Digest>> candidates = new HashMap<>();
            root.path("candidates").properties().forEach(e -> {
                Set<Digest> digests = new HashSet<>();
                e.getValue().forEach(d -> digests.add(Digest.parse(d.asText())));
                candidates.put(e.getKey(), digests);
            });
            return new SweepState(Instant.parse(root.path("at").asText()), candidates);
        } catch (IOException | RuntimeException unreadable) {
            // marks written with an older key or damaged: start marking afresh (deleting needs two passes anyway)
            LOG.warn("storage location {}: previous GC marks unreadable, marking afresh: {}", store.location().name(), unreadable.getMessage());
            return null;
        }
    }

    private void writeState(SweepState state) {
        ObjectNode root = JSON.createObjectNode().put("at", state.at().toString());
        ObjectNode candidates = root.putObject("candidates");
        state.candidates().forEach((fp, digests) -> {
            ArrayNode list = candidates.putArray(fp);
            digests.forEach(d -> list.add(d.toString()));
        });
        try {
            store.writeObject(layout.sweepState(), JSON.writeValueAsBytes(root), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException("GC marks cannot be serialized", e);
        }
    }
}
