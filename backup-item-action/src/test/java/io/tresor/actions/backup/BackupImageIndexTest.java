package io.tresor.actions.backup;

import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.StorageLocation;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
