package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageIndex;
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
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backup's index as captures write it: per ImageStream, without reading back what other captures wrote. */
class BackupImageIndexTest {

    @Test
    void aCaptureWhoseInProgressRootCannotBeWrittenIsNotCountedAsRunning() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread failing = new Thread(() -> answer(server, "HTTP/1.1 403 Forbidden"), "failing-s3");
            failing.setDaemon(true);
            failing.start();
            StorageLocation location = new StorageLocation("default", "bucket", "prefix", null, "us-east-1",
                    "http://127.0.0.1:" + server.getLocalPort(), true, false, "default", null, "keys/customer-key",
                    null, null);
            byte[] credentials = "[default]\naws_access_key_id=AKIATEST\naws_secret_access_key=test\n"
                    .getBytes(StandardCharsets.US_ASCII);
            try (S3BlobStore store = S3BlobStore.open(location,
                    SseCustomerKeySource.ofSecretValue("velero", "keys", "customer-key", new byte[32]), credentials)) {
                BackupImageIndex index = new BackupImageIndex(Clock.systemUTC());

                assertThatThrownBy(() -> index.begin(store, "nightly-1")).isInstanceOf(RuntimeException.class);
                assertThatThrownBy(() -> index.begin(store, "nightly-1")).isInstanceOf(RuntimeException.class);

                // no end() follows a failed begin(): counted, the root of a later capture would never be removed
                assertThat(index.running(store, "nightly-1")).isZero();
            }
        }
    }

    @Test
    void addingAnImageStreamReadsNothingAndWritesOnlyItsOwnDocument() throws Exception {
        byte[] key = new byte[32];
        new Random(5).nextBytes(key);
        S3Requests requests = new S3Requests();
        try (S3Server s3 = S3Server.start()) {
            s3.createBucket("index");
            try (S3BlobStore store = requests.store(s3, s3.location("tenant-index", "index", "tenant-index"), key)) {
                BackupImageIndex index = new BackupImageIndex(Clock.systemUTC());
                for (int i = 0; i < 5; i++) {
                    index.add(store, "big-1", stream("app-" + i), images(i));
                }
                requests.clear();

                ImageIndex written = index.add(store, "big-1", stream("app-5"), images(5));

                String own = store.layout().imageStreamIndex("big-1", "shop", "app-5");
                assertThat(requests.seen()).as("no read, no other document").containsExactly("PUT " + own);
                assertThat(written.imageStreams()).extracting(ImageStreamRecord::name).containsExactly("app-5");
                assertThat(written.images()).extracting(ImageRecord::digest).containsExactly(images(5).get(0).digest());
                assertThat(store.listKeys(store.layout().backupIndexDirectory("big-1"))).as("5 + 1 documents and the marker").hasSize(7);

                // a new plugin process writes the marker once more, before its first document, and still reads nothing
                requests.clear();
                new BackupImageIndex(Clock.systemUTC()).add(store, "big-1", stream("app-6"), images(6));
                assertThat(requests.seen()).containsExactly("PUT " + store.layout().imageIndex("big-1"),
                        "PUT " + store.layout().imageStreamIndex("big-1", "shop", "app-6"));
            }
        }
    }

    static ImageStreamRecord stream(String name) {
        return new ImageStreamRecord("shop", name, List.of(new TagRecord("latest", List.of(new TagItemRecord(
                "2026-11-30T10:00:00Z", "registry/shop/" + name + "@" + Digest.of(name), Digest.of(name), Outcome.CAPTURED, null)))));
    }

    static List<ImageRecord> images(int i) {
        Digest manifest = Digest.of("app-" + i);
        return List.of(new ImageRecord(manifest, MediaTypes.OCI_MANIFEST, 100, "shop/app-" + i, List.of(),
                List.of(new BlobRecord(Digest.of("base"), "application/vnd.oci.image.layer.v1.tar+gzip", 10, null),
                        new BlobRecord(Digest.of("layer " + i), "application/vnd.oci.image.layer.v1.tar+gzip", 10, null))));
    }

    private static void answer(ServerSocket server, String status) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(new byte[65536]);
                s.getOutputStream().write((status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                // closed at the end of the test
            }
        }
    }
}
