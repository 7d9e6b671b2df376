package io.tresor.imagearchive.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.gc.SweepDecision;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
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

/** GC passes against S3Proxy: shared blobs stay, orphans go after two passes, a live capture holds deletions. */
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
            BackupDocuments documents = new BackupDocuments(store, clock);
            documents.writeIndex(index(store, "mon", m1, base, v1));
            documents.writeIndex(index(store, "tue", m2, base, v2));
            veleroBackup(prefix, "mon");
            veleroBackup(prefix, "tue");
            ArchiveSweeper sweeper = new ArchiveSweeper(store, Duration.ofHours(24), Duration.ofHours(12), clock);

            // Velero deletes Monday's backup: its index goes, its own blobs are only marked
            SweepDecision first = sweeper.sweep(Set.of("mon"));
            assertThat(first.indexesToDelete()).containsExactly("mon");
            assertThat(first.blobCount()).isZero();
            assertThat(documents.readIndex("mon")).isEmpty();
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
            documents.writeIndex(index(store, "wed", m3, base, v1));
            veleroBackup(prefix, "wed");
            documents.clearInProgress("wed");
            SweepDecision second = sweeper.sweep(Set.of());
            assertThat(second.blobsToDelete()).containsOnlyKeys(store.keyFingerprint());
            assertThat(second.blobsToDelete().get(store.keyFingerprint())).containsExactly(m1);
            assertThat(store.blobSize(m1)).isEmpty();
            for (Digest kept : List.of(base, v1, v2, m2, m3)) {
                assertThat(store.blobSize(kept)).as("kept %s", kept).isPresent();
            }
            assertThat(s3.topLevel(BUCKET, prefix)).containsOnly("plugins/", "backups/");
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

    private static ImageIndex index(S3BlobStore store, String backup, Digest manifest, Digest... layers) {
        List<BlobRecord> blobs = java.util.Arrays.stream(layers)
                .map(l -> new BlobRecord(l, "application/vnd.oci.image.layer.v1.tar+gzip", 10, null)).toList();
        return new ImageIndex(1, backup, store.keyFingerprint(), Instant.now().toString(), List.of(),
                List.of(new ImageRecord(manifest, MediaTypes.OCI_MANIFEST, 100, "shop/app", List.of(), blobs)));
    }
}
