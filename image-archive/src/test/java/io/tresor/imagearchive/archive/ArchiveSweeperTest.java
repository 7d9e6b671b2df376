package io.tresor.imagearchive.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.gc.GarbageSweep;
import io.tresor.imagearchive.gc.SweepDecision;
import io.tresor.imagearchive.gc.SweepInput;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.index.TagRecord;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.imagearchive.testing.S3Requests;
import io.tresor.imagearchive.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GC passes against S3Proxy over per-ImageStream and legacy index documents: shared blobs stay, orphans go after two
 * passes, a live capture or a document written during the pass holds deletions.
 */
class ArchiveSweeperTest {
    static final String BUCKET = "sweep-test";
    static S3Server s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void sharedBlobsStayOrphansGoAfterTwoPassesAndALiveCaptureHolds() throws Exception {
        String prefix = "tenant-gc";
        byte[] key = new byte[32];
        new Random(9).nextBytes(key);
        TestClock clock = new TestClock();
        try (S3BlobStore store = S3BlobStore.open(s3.location("tenant-gc", BUCKET, prefix),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key), S3Server.credentialsFile())) {
            Digest base = put(store, "base layer");
            Digest v1 = put(store, "v1 layer");
            Digest m1 = put(store, "v1 manifest");
            Digest v2 = put(store, "v2 layer");
            Digest m2 = put(store, "v2 manifest");
            Digest api = put(store, "api layer");
            Digest ma = put(store, "api manifest");
            BackupDocuments documents = new BackupDocuments(store, clock);
            // Monday's backup was written before per-ImageStream documents: one whole-backup images.json
            writeLegacyIndex(store, legacyIndex(store, "mon", m1, base, v1));
            documents.writeLayoutMarker("tue");
            documents.writeImageStreamIndex(streamIndex(store, "tue", "app", m2, base, v2));
            documents.writeImageStreamIndex(streamIndex(store, "tue", "api", ma, base, api));
            veleroBackup(prefix, "mon");
            veleroBackup(prefix, "tue");
            ArchiveSweeper sweeper = new ArchiveSweeper(store, Duration.ofHours(24), Duration.ofHours(12), clock);

            // Velero deletes Monday's backup: its index goes, its own blobs are only marked
            SweepDecision first = sweeper.sweep(Set.of("mon"));
            assertThat(first.indexesToDelete()).containsExactly("mon");
            assertThat(first.blobCount()).isZero();
            assertThat(store.listKeys(store.layout().backupIndexDirectory("mon"))).isEmpty();
            assertThat(first.next().candidates(store.keyFingerprint())).containsExactlyInAnyOrder(v1, m1);
            s3.admin().deleteObject(b -> b.bucket(BUCKET).key(prefix + "/backups/mon/velero-backup.json"));

            // a day later a capture is running (and may reuse v1): nothing goes
            clock.now = clock.now.plus(Duration.ofHours(25));
            documents.markInProgress("wed");
            SweepDecision held = sweeper.sweep(Set.of());
            assertThat(held.blobCount()).isZero();
            assertThat(held.holds()).anyMatch(h -> h.contains("wed"));
            assertThat(store.blobSize(v1)).isPresent();

            // the capture reused v1 and finished; the next pass deletes only m1
            Digest m3 = put(store, "wed manifest");
            documents.writeLayoutMarker("wed");
            documents.writeImageStreamIndex(streamIndex(store, "wed", "app", m3, base, v1));
            veleroBackup(prefix, "wed");
            documents.clearInProgress("wed");
            SweepDecision second = sweeper.sweep(Set.of());
            assertThat(second.blobsToDelete()).containsOnlyKeys(store.keyFingerprint());
            assertThat(second.blobsToDelete().get(store.keyFingerprint())).containsExactly(m1);
            assertThat(store.blobSize(m1)).isEmpty();
            for (Digest kept : List.of(base, v1, v2, m2, m3, api, ma)) {
                assertThat(store.blobSize(kept)).as("kept %s", kept).isPresent();
            }

            // Tuesday's backup goes: all its ImageStream documents and its marker, then two passes later exactly the
            // blobs only it referenced; the base layer Wednesday shares stays
            assertThat(sweeper.sweep(Set.of("tue")).indexesToDelete()).containsExactly("tue");
            assertThat(store.listKeys(store.layout().backupIndexDirectory("tue"))).isEmpty();
            clock.now = clock.now.plus(Duration.ofHours(25));
            assertThat(sweeper.sweep(Set.of()).next().candidates(store.keyFingerprint())).containsExactlyInAnyOrder(m2, v2, ma, api);
            clock.now = clock.now.plus(Duration.ofHours(25));
            SweepDecision third = sweeper.sweep(Set.of());
            assertThat(third.blobsToDelete().get(store.keyFingerprint())).containsExactlyInAnyOrder(m2, v2, ma, api);
            for (Digest kept : List.of(base, v1, m3)) {
                assertThat(store.blobSize(kept)).as("kept %s", kept).isPresent();
            }
            assertThat(s3.topLevel(BUCKET, prefix)).containsOnly("plugins/", "backups/");
        }
    }

    @Test
    void anImageStreamDocumentWrittenDuringTheSweepHoldsItsDeletions() throws Exception {
        String prefix = "tenant-during";
        byte[] key = new byte[32];
        new Random(11).nextBytes(key);
        TestClock clock = new TestClock();
        StorageLocation location = s3.location("tenant-during", BUCKET, prefix);
        S3Requests requests = new S3Requests();
        try (S3BlobStore sweeping = requests.store(s3, location, key);
             S3BlobStore capturing = S3BlobStore.open(location, SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key),
                     S3Server.credentialsFile())) {
            Digest layer = put(capturing, "reused layer");
            Digest manifest = put(capturing, "old manifest");
            BackupDocuments documents = new BackupDocuments(capturing, clock);
            documents.writeLayoutMarker("old");
            documents.writeImageStreamIndex(streamIndex(capturing, "old", "app", manifest, layer));
            ArchiveSweeper sweeper = new ArchiveSweeper(sweeping, Duration.ofHours(24), Duration.ofHours(12), clock);
            sweeper.sweep(Set.of("old"));
            clock.now = clock.now.plus(Duration.ofHours(25));

            // a capture started and finished between the pass's inventory and its deletions: it reused the marked
            // layer and wrote one ImageStream document (no other document of its backup changed)
            Digest newManifest = put(capturing, "new manifest");
            String written = capturing.layout().imageStreamIndex("new", "shop", "app");
            requests.after(r -> {
                if (r.startsWith("PUT " + sweeping.layout().sweepDeletingDirectory())) {
                    requests.after(x -> { });
                    documents.writeImageStreamIndex(streamIndex(capturing, "new", "app", newManifest, layer));
                }
            });
            SweepDecision during = sweeper.sweep(Set.of());

            assertThat(during.blobCount()).isZero();
            assertThat(during.holds()).anyMatch(h -> h.contains("a capture wrote " + written));
            assertThat(capturing.blobSize(layer)).as("the reused layer").isPresent();
            assertThat(capturing.blobSize(manifest)).as("held too: deleted by a later pass").isPresent();
        }
    }

    @Test
    void digestsSharedByBackupsAreOneObjectAndAnUnreadableDocumentIsNamed() throws Exception {
        String prefix = "tenant-inventory";
        byte[] key = new byte[32];
        new Random(12).nextBytes(key);
        byte[] otherKey = new byte[32];
        new Random(13).nextBytes(otherKey);
        TestClock clock = new TestClock();
        StorageLocation location = s3.location("tenant-inventory", BUCKET, prefix);
        try (S3BlobStore store = S3BlobStore.open(location, SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key),
                S3Server.credentialsFile());
             S3BlobStore other = S3BlobStore.open(location, SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", otherKey),
                     S3Server.credentialsFile())) {
            Digest shared = put(store, "shared base");
            BackupDocuments documents = new BackupDocuments(store, clock);
            documents.writeImageStreamIndex(streamIndex(store, "day-1", "app", put(store, "m1"), shared));
            documents.writeImageStreamIndex(streamIndex(store, "day-2", "app", put(store, "m2"), shared));
            new BackupDocuments(other, clock).writeImageStreamIndex(streamIndex(other, "day-2", "api", Digest.of("m3"), shared));
            veleroBackup(prefix, "day-1");
            veleroBackup(prefix, "day-2");

            SweepInput input = new ArchiveSweeper(store, Duration.ofHours(24), Duration.ofHours(12), clock).inventory(Set.of());

            assertThat(input.indexes()).extracting(SweepInput.BackupIndex::backup).containsExactly("day-1", "day-2");
            Digest fromDay1 = input.indexes().get(0).references().get(store.keyFingerprint()).stream().filter(shared::equals).findFirst().orElseThrow();
            Digest fromDay2 = input.indexes().get(1).references().get(store.keyFingerprint()).stream().filter(shared::equals).findFirst().orElseThrow();
            assertThat(fromDay2).as("one object for a digest both backups reference").isSameAs(fromDay1);
            assertThat(input.indexes().get(1).unreadable()).containsExactly(store.layout().imageStreamIndex("day-2", "shop", "api"));
            assertThat(GarbageSweep.decide(input).holds()).anyMatch(h -> h.contains(store.layout().imageStreamIndex("day-2", "shop", "api")));
        }
    }

    @Test
    void aCaptureWaitsWhileAPassIsDeletingAndADeadPassesMarkerIsDropped() throws Exception {
        String prefix = "tenant-marker";
        byte[] key = new byte[32];
        new Random(10).nextBytes(key);
        TestClock clock = new TestClock();
        try (S3BlobStore store = S3BlobStore.open(s3.location("tenant-marker", BUCKET, prefix),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key), S3Server.credentialsFile())) {
            BackupDocuments documents = new BackupDocuments(store, clock);
            String live = store.layout().sweepDeleting("live-pass");
            store.writeObject(live, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
            CompletableFuture<Void> capture = CompletableFuture.runAsync(() -> documents.markInProgress("thu"));
            Thread.sleep(800);
            assertThat(capture).as("the capture waits while a pass deletes blobs").isNotDone();
            assertThat(store.listKeys(store.layout().inProgressDirectory())).as("its root is written first")
                    .containsExactly(store.layout().inProgress("thu"));
            store.delete(live);
            capture.get(10, TimeUnit.SECONDS);

            // a pass died while deleting: its marker stops holding captures after 30 minutes, and the next pass drops it
            store.writeObject(store.layout().sweepDeleting("dead-pass"), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
            clock.now = clock.now.plus(Duration.ofMinutes(31));
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> documents.markInProgress("fri"));
            new ArchiveSweeper(store, Duration.ofHours(24), Duration.ofHours(12), clock).sweep(Set.of());
            assertThat(store.listKeys(store.layout().sweepDeletingDirectory())).isEmpty();
        }
    }

    private static Digest put(S3BlobStore store, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(bytes);
        store.putBlob(d, bytes.length, new ByteArrayInputStream(bytes));
        return d;
    }

    /** What Velero itself writes under the prefix for an existing backup. */
    private static void veleroBackup(String prefix, String name) {
        s3.admin().putObject(b -> b.bucket(BUCKET).key(prefix + "/backups/" + name + "/velero-backup.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));
    }

    /** One ImageStream's document as a capture writes it (schema 2). */
    private static ImageIndex streamIndex(S3BlobStore store, String backup, String name, Digest manifest, Digest... layers) {
        ImageStreamRecord stream = new ImageStreamRecord("shop", name, List.of(new TagRecord("latest", List.of(
                new TagItemRecord("2026-11-30T10:00:00Z", "registry/shop/" + name + "@" + manifest, manifest, Outcome.CAPTURED, null)))));
        return new ImageIndex(ImageIndex.SCHEMA_VERSION, backup, store.keyFingerprint(), Instant.now().toString(), List.of(stream),
                List.of(image(manifest, name, layers)));
    }

    /** A whole-backup images.json as plugins before per-ImageStream documents wrote it (schema 1). */
    private static ImageIndex legacyIndex(S3BlobStore store, String backup, Digest manifest, Digest... layers) {
        return new ImageIndex(ImageIndex.LEGACY_SCHEMA_VERSION, backup, store.keyFingerprint(), Instant.now().toString(), List.of(),
                List.of(image(manifest, "app", layers)));
    }

    private static void writeLegacyIndex(S3BlobStore store, ImageIndex index) {
        store.writeObject(store.layout().imageIndex(index.backup()), ImageIndexCodec.write(index), "application/json");
    }

    private static ImageRecord image(Digest manifest, String name, Digest... layers) {
        List<BlobRecord> blobs = java.util.Arrays.stream(layers)
                .map(l -> new BlobRecord(l, "application/vnd.oci.image.layer.v1.tar+gzip", 10, null)).toList();
        return new ImageRecord(manifest, MediaTypes.OCI_MANIFEST, 100, "shop/" + name, List.of(), blobs);
    }
}
