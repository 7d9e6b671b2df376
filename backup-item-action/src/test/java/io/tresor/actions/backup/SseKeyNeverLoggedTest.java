package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.plugin.logging.LogLevel;
import io.tresor.plugin.logging.LogSink;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Velero passes {@code --log-level debug} (or trace) to the plugin when an admin troubleshoots; the S3 client's own
 * request, header and wire logs would then carry the tenant's SSE-C key (a request header on every call) and the
 * signing secret into Velero's and the backup's log. Runs real S3 calls through the plugin's logging binding.
 */
class SseKeyNeverLoggedTest {
    static {
        // the plugin's own SLF4J binding, as in the plugin process (the test class path holds others too); if another
        // test initialised SLF4J first, nothing reaches the sink and the test fails rather than passes
        System.setProperty("slf4j.provider", "io.tresor.plugin.logging.VeleroLogServiceProvider");
    }

    @Test
    void s3CallsAtTraceLevelLogNeitherTheCustomerKeyNorTheCredentials() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0x41 + i);
        }
        String keyBase64 = Base64.getEncoder().encodeToString(key);
        String keyMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(key));
        byte[] credentials = "[default]\naws_access_key_id=AKIATRESORTEST\naws_secret_access_key=s3cr3tTresorValue\n"
                .getBytes(StandardCharsets.US_ASCII);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LogSink sink = LogSink.get();
        LogLevel before = sink.threshold();
        sink.setOutput(log);
        sink.setThreshold(LogLevel.TRACE);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerNotFound(server), "fake-s3");
            answering.setDaemon(true);
            answering.start();
            StorageLocation location = new StorageLocation("default", "bucket", "prefix", null, "us-east-1",
                    "http://127.0.0.1:" + server.getLocalPort(), true, false, "default", null, "keys/customer-key",
                    null, null);
            try (S3BlobStore store = S3BlobStore.open(location,
                    SseCustomerKeySource.ofSecretValue("velero", "keys", "customer-key", key), credentials)) {
                store.blobSize(Digest.of("blob"));
            }
            org.slf4j.LoggerFactory.getLogger(SseKeyNeverLoggedTest.class).debug("sentinel after the S3 call");
        } finally {
            sink.setThreshold(before);
            sink.setOutput(new FileOutputStream(FileDescriptor.err));
        }

        String text = log.toString(StandardCharsets.UTF_8);
        // the plugin's binding wrote debug lines (so an absent key is not an absent log)
        assertThat(text).contains("sentinel after the S3 call");
        assertThat(text).doesNotContain(keyBase64).doesNotContain(keyMd5).doesNotContain("s3cr3tTresorValue");
    }

    private static void answerNotFound(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(new byte[65536]);
                s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                // server closed at the end of the test
            }
        }
    }
}
