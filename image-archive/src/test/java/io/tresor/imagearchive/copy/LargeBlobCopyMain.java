package io.tresor.imagearchive.copy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseCustomerKeySource;
import io.tresor.imagearchive.s3.StorageLocation;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs in a child JVM with a small heap ({@link LargeBlobSmallHeapTest}): pushes a generated large layer, captures the
 * image registry → S3 and restores it S3 → registry, then prints its figures as {@code key=value} lines.
 *
 * <p>Arguments: registry URL, path of a BackupStorageLocation JSON, SSE-C key as hex, credentials file path, layer size.
 */
public final class LargeBlobCopyMain {
    private LargeBlobCopyMain() {
    }

    private static volatile long peak;

    /** Samples the heap in use every 20 ms: the peak of the whole heap, not the sum of per-pool peaks. */
    private static void sampleHeap() {
        var memory = ManagementFactory.getMemoryMXBean();
        while (!Thread.currentThread().isInterrupted()) {
            peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Thread sampler = new Thread(LargeBlobCopyMain::sampleHeap, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        URI registryUrl = URI.create(args[0]);
        StorageLocation location = StorageLocation.fromJson(Files.readString(Path.of(args[1])));
        byte[] key = HexFormat.of().parseHex(args[2]);
        byte[] credentials = Files.readAllBytes(Path.of(args[3]));
        long size = Long.parseLong(args[4]);

        OciRegistryClient registry = OciRegistryClient.create(registryUrl, RegistryCredentials.anonymous());
        Digest layer = GeneratedContent.digest(size, 7);
        long t0 = System.nanoTime();
        registry.pushBlob("big/app", layer, size, () -> new GeneratedContent(size, 7));
        // three more layers so that four multipart uploads run at once, as with a real multi-layer image
        long small = 24L * 1024 * 1024;
        StringBuilder extra = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            long seed = 100 + i;
            Digest d = GeneratedContent.digest(small, seed);
            registry.pushBlob("big/app", d, small, () -> new GeneratedContent(small, seed));
            extra.append(",{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"").append(d)
                    .append("\",\"size\":").append(small).append('}');
        }
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        registry.pushBlob("big/app", Digest.of(config), config.length, () -> new ByteArrayInputStream(config));
        String manifest = ("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"%s\",\"size\":%d},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"%s\",\"size\":%d}%s]}").formatted(MediaTypes.OCI_MANIFEST, Digest.of(config), config.length, layer, size, extra);
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        Digest image = registry.putManifest("big/app", "v1", MediaTypes.OCI_MANIFEST, manifestBytes);
        long t1 = System.nanoTime();
        System.err.println("phase: image pushed");

        // -Dcopier.concurrentCapture=true: a second store (another key, so it uploads every blob again) captures the same
        // image at the same time, as Velero runs item blocks in parallel: 8 uploads of two stores want a part buffer
        Thread concurrent = null;
        java.util.concurrent.atomic.AtomicReference<Throwable> concurrentFailure = new java.util.concurrent.atomic.AtomicReference<>();
        if (Boolean.getBoolean("copier.concurrentCapture")) {
            byte[] otherKey = key.clone();
            otherKey[0] ^= 1;
            concurrent = new Thread(() -> {
                try (S3BlobStore other = S3BlobStore.open(location,
                        SseCustomerKeySource.ofSecretValue("openshift-adp", "creds", "customer-key", otherKey), credentials);
                     ImageCopier copier = new ImageCopier(other, Integer.getInteger("copier.parallelism", 4), RetryPolicy.standard())) {
                    CaptureResult captured = copier.capture(registry, "big/app", image);
                    if (captured.outcome() != Outcome.CAPTURED) {
                        throw new IllegalStateException("concurrent capture: " + captured);
                    }
                } catch (Throwable e) {
                    concurrentFailure.set(e);
                }
            }, "concurrent-capture");
            concurrent.start();
        }
        try (S3BlobStore store = S3BlobStore.open(location,
                SseCustomerKeySource.ofSecretValue("openshift-adp", "creds", "customer-key", key), credentials);
             ImageCopier copier = new ImageCopier(store, Integer.getInteger("copier.parallelism", 4), RetryPolicy.standard())) {
            CaptureResult captured = copier.capture(registry, "big/app", image);
            if (captured.outcome() != Outcome.CAPTURED) {
                throw new IllegalStateException("capture: " + captured);
            }
            if (concurrent != null) {
                concurrent.join();
                if (concurrentFailure.get() != null) {
                    throw new IllegalStateException("the concurrent capture failed", concurrentFailure.get());
                }
                System.out.println("concurrent_capture=ok");
            }
            long t2 = System.nanoTime();
            System.err.println("phase: captured");
            RestoreResult restored = copier.restore(captured.record(), registry, "big/restored", List.of("v1"), List.of());
            long t3 = System.nanoTime();
            System.out.println("layer_digest=" + layer);
            System.out.println("image_digest=" + image);
            System.out.println("captured_bytes=" + captured.bytesUploaded());
            System.out.println("restored_bytes=" + restored.bytesPushed());
            System.out.println("push_s=" + (t1 - t0) / 1_000_000_000.0);
            System.out.println("capture_s=" + (t2 - t1) / 1_000_000_000.0);
            System.out.println("restore_s=" + (t3 - t2) / 1_000_000_000.0);
        }
        sampler.interrupt();
        System.out.println("max_heap=" + Runtime.getRuntime().maxMemory());
        System.out.println("peak_heap_used=" + peak);
    }
}
