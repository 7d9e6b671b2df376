package io.tresor.actions.backup;

import io.tresor.imagearchive.archive.ArchiveSweeper;
import io.tresor.imagearchive.gc.GarbageSweep;
import io.tresor.imagearchive.gc.SweepDecision;
import io.tresor.imagearchive.gc.SweepInput;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.imagearchive.testing.S3Requests;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

/**
 * Runs in the {@code -Xmx64m} child JVM of {@link ImageIndexScaleBench}: the index write path for {@code streams}
 * ImageStreams of one backup, then the GC inventory and decision over the backups the parent stored; prints
 * {@code key=value} lines. Arguments: BSL JSON path, SSE-C key hex, ImageStream count.
 */
public final class ImageIndexScaleMain {
    private static volatile long peak;

    private ImageIndexScaleMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread sampler = new Thread(ImageIndexScaleMain::sampleHeap, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        StorageLocation location = StorageLocation.fromJson(Files.readString(Path.of(args[0])));
        byte[] key = HexFormat.of().parseHex(args[1]);
        int streams = Integer.parseInt(args[2]);
        S3Requests requests = new S3Requests();
        // the S3 server runs in the parent: this JVM holds only what the plugin would
        try (S3BlobStore store = requests.store(java.net.URI.create(location.s3Url()), location, key)) {
            BackupImageIndex index = new BackupImageIndex(Clock.systemUTC());
            long bytes = 0;
            resetPeak();
            long t0 = System.nanoTime();
            for (int s = 0; s < streams; s++) {
                ImageIndex written = index.add(store, "scale-capture", SyntheticArchive.record(s, 0), SyntheticArchive.images(s, 0));
                bytes += ImageIndexCodec.write(written).length;
            }
            long captureMs = (System.nanoTime() - t0) / 1_000_000;
            long captureReads = requests.seen().stream().filter(r -> r.startsWith("GET ")).count();
            long capturePuts = requests.seen().stream().filter(r -> r.startsWith("PUT ")).count();
            System.out.println("streams=" + streams);
            System.out.println("capture_index_bytes_per_stream=" + bytes / streams);
            System.out.println("capture_index_reads=" + captureReads);
            System.out.println("capture_index_puts=" + capturePuts);
            System.out.println("capture_ms=" + captureMs);
            System.out.println("capture_peak_heap_mb=" + peak / (1024 * 1024));

            requests.clear();
            System.gc();
            resetPeak();
            t0 = System.nanoTime();
            ArchiveSweeper sweeper = new ArchiveSweeper(store, Duration.ofHours(24), Duration.ofHours(12), Clock.systemUTC());
            SweepInput input = sweeper.inventory(Set.of());
            SweepDecision decision = GarbageSweep.decide(input);
            long gcMs = (System.nanoTime() - t0) / 1_000_000;
            long gcPeak = peak;
            System.gc();
            long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long documents = requests.seen().stream().filter(r -> r.startsWith("GET ") && r.contains("/backups/")).count();
            System.out.println("gc_backups=" + input.indexes().size());
            System.out.println("gc_documents=" + documents);
            System.out.println("gc_stored_blobs=" + input.storedBlobs().values().stream().mapToInt(Set::size).sum());
            System.out.println("gc_unreferenced=" + decision.next().candidates().values().stream().mapToInt(Set::size).sum());
            System.out.println("gc_ms=" + gcMs);
            System.out.println("gc_peak_heap_mb=" + gcPeak / (1024 * 1024));
            System.out.println("gc_retained_heap_mb=" + retained / (1024 * 1024));
            System.out.println("max_heap_mb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        }
    }

    private static void resetPeak() {
        peak = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples the heap in use every 10 ms: the peak of the whole heap (garbage not yet collected included). */
    private static void sampleHeap() {
        var memory = ManagementFactory.getMemoryMXBean();
        while (!Thread.currentThread().isInterrupted()) {
            peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
