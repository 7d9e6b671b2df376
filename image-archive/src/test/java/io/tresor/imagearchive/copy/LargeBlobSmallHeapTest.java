package io.tresor.imagearchive.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.S3Server;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MiB layer goes registry → S3 → registry in a child JVM limited to {@code -Xmx64m}: blobs are streamed. A second
 * store captures the same image at the same time: the stores share one part buffer pool that fits the direct memory
 * {@code -Xmx64m} allows (per-store pools of 4 × 8 MiB each failed with "Cannot reserve … direct buffer memory").
 */
class LargeBlobSmallHeapTest {
    static final long SIZE = 200L * 1024 * 1024;

    @Test
    void a200MiBLayerRoundTripsWithA64MiBHeap(@TempDir Path dir) throws Exception {
        RegistryServer.requireBinary();
        byte[] key = new byte[32];
        new Random(200).nextBytes(key);
        try (RegistryServer registry = RegistryServer.start(dir.resolve("registry"), null); S3Server s3 = S3Server.start()) {
            s3.createBucket("large");
            Path bsl = dir.resolve("bsl.json");
            Files.writeString(bsl, s3.bslJson("tenant-big", "large", "tenant-big"));
            Path credentials = dir.resolve("cloud");
            Files.write(credentials, S3Server.credentialsFile());

            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-Dcopier.parallelism=4", "-Dcopier.concurrentCapture=true", "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), LargeBlobCopyMain.class.getName(),
                    registry.url(), bsl.toString(), HexFormat.of().formatHex(key), credentials.toString(), Long.toString(SIZE))
                    .redirectError(dir.resolve("child.err").toFile()).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ended = child.waitFor(240, TimeUnit.SECONDS);
            if (!ended) {
                child.destroyForcibly();
            }
            assertThat(ended).as("child JVM ended").isTrue();
            assertThat(child.exitValue()).as("child JVM exit; stdout:%n%s%nstderr:%n%s", out, Files.readString(dir.resolve("child.err"))).isZero();

            Map<String, String> figures = new HashMap<>();
            out.lines().filter(l -> l.contains("=")).forEach(l -> figures.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            System.out.println("[large-blob] " + figures);
            assertThat(Long.parseLong(figures.get("max_heap"))).isLessThanOrEqualTo(64L * 1024 * 1024);
            assertThat(figures).containsEntry("concurrent_capture", "ok");
            assertThat(Long.parseLong(figures.get("captured_bytes"))).isGreaterThan(SIZE + 3 * 24L * 1024 * 1024);
            assertThat(Long.parseLong(figures.get("restored_bytes"))).isGreaterThan(SIZE);

            Digest layer = Digest.parse(figures.get("layer_digest"));
            try (S3BlobStore store = S3BlobStore.open(s3.location("tenant-big", "large", "tenant-big"),
                    SseCustomerKeySource.ofSecretValue("openshift-adp", "creds", "customer-key", key), S3Server.credentialsFile())) {
                assertThat(store.blobSize(layer)).contains(SIZE);
            }
            OciRegistryClient client = OciRegistryClient.create(URI.create(registry.url()), RegistryCredentials.anonymous());
            assertThat(client.manifest("big/restored", "v1").orElseThrow().digest()).isEqualTo(Digest.parse(figures.get("image_digest")));
            assertThat(client.hasBlob("big/restored", layer)).isTrue();
            assertThat(s3.topLevel("large", "tenant-big")).containsOnly("plugins/");
        }
    }
}
