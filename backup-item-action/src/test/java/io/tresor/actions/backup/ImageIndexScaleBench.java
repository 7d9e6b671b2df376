package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.archive.BackupDocuments;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The image index scale bench ({@code bench/image-index-scale.sh}): hosts S3Proxy (SSE-C enforced) in this JVM,
 * stores {@code gcBackups} daily backups of {@code gcStreams} synthetic ImageStreams (per-ImageStream documents) and
 * their blobs, then runs {@link ImageIndexScaleMain} in a child JVM with the plugin's {@code -Xmx64m}
 * ({@code -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError} as shipped) and prints its figures as one line.
 * Arguments: work directory, capture ImageStreams, GC backups, ImageStreams per GC backup.
 */
public final class ImageIndexScaleBench {
    private ImageIndexScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int streams = Integer.parseInt(args[1]);
        int backups = Integer.parseInt(args[2]);
        int gcStreams = Integer.parseInt(args[3]);
        byte[] key = new byte[32];
        new Random(64).nextBytes(key);
        try (S3Server s3 = S3Server.start()) {
            s3.createBucket("scale");
            long t0 = System.nanoTime();
            store(s3, key, backups, gcStreams);
            System.err.println("stored " + backups + " backups of " + gcStreams + " ImageStreams in "
                    + (System.nanoTime() - t0) / 1_000_000_000 + " s");
            Path bsl = work.resolve("bsl.json");
            Files.writeString(bsl, s3.bslJson("scale", "scale", "tenant"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), ImageIndexScaleMain.class.getName(),
                    bsl.toString(), HexFormat.of().formatHex(key), Integer.toString(streams))
                    .redirectError(work.resolve("child.err").toFile()).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(600, TimeUnit.SECONDS) || child.exitValue() != 0) {
                child.destroyForcibly();
                System.err.println(out);
                System.err.println(Files.readString(work.resolve("child.err")));
                throw new IllegalStateException("the -Xmx64m child failed (exit " + (child.isAlive() ? "timeout" : child.exitValue()) + ")");
            }
            Map<String, String> figures = new LinkedHashMap<>();
            out.lines().filter(l -> l.contains("=")).forEach(l -> figures.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            figures.put("gc_streams_per_backup", Integer.toString(gcStreams));
            StringBuilder line = new StringBuilder();
            figures.forEach((k, v) -> line.append(line.isEmpty() ? "" : " ").append(k).append('=').append(v));
            System.out.println(line);
        }
    }

    /** Day {@code d}'s backup holds every ImageStream as of day {@code d}; blobs are stored once (keys only matter to the GC). */
    private static void store(S3Server s3, byte[] key, int backups, int gcStreams) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3BlobStore store = S3BlobStore.open(s3.location("scale", "scale", "tenant"),
                SseCustomerKeySource.ofSecretValue("openshift-adp", "c", "customer-key", key), S3Server.credentialsFile())) {
            List<Future<?>> writes = new ArrayList<>();
            String blobDir = store.layout().blobDirectory(store.keyFingerprint());
            for (Digest d : SyntheticArchive.allDigests(gcStreams, backups)) {
                writes.add(pool.submit(() -> s3.admin().putObject(b -> b.bucket("scale").key(blobDir + d.hex()), RequestBody.empty())));
            }
            for (int day = 0; day < backups; day++) {
                String backup = "daily-" + day;
                s3.admin().putObject(b -> b.bucket("scale").key("tenant/backups/" + backup + "/velero-backup.json"), RequestBody.fromString("{}"));
                BackupDocuments documents = new BackupDocuments(store, Clock.systemUTC());
                documents.writeLayoutMarker(backup);
                for (int s = 0; s < gcStreams; s++) {
                    int stream = s;
                    int d = day;
                    writes.add(pool.submit(() -> documents.writeImageStreamIndex(new ImageIndex(ImageIndex.SCHEMA_VERSION, backup,
                            store.keyFingerprint(), Instant.now().toString(), List.of(SyntheticArchive.record(stream, d)),
                            SyntheticArchive.images(stream, d)))));
                }
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
