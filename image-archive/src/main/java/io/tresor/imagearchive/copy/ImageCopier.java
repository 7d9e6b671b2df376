package io.tresor.imagearchive.copy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.Descriptor;
import io.tresor.imagearchive.registry.Manifest;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryException;
import io.tresor.imagearchive.registry.RegistryNotFoundException;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.BlobDigestMismatchException;
import io.tresor.imagearchive.s3.S3BlobStore;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies images between a registry and the S3 archive: capture (registry → S3, deduplicated, layers in parallel) and
 * restore (S3 → registry, mounting blobs the registry already has). Thread-safe; close it to stop its workers.
 */
public final class ImageCopier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageCopier.class);
    private final S3BlobStore store;
    private final RetryPolicy retry;
    private final ExecutorService workers;

    /** @param parallelism blobs copied at the same time (each holds one part buffer of the store in memory) */
    public ImageCopier(S3BlobStore store, int parallelism, RetryPolicy retry) {
        this.store = store;
        this.retry = retry;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "tresor-image-copy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Captures the image {@code digest} of {@code repository} (an index is walked into every platform). A manifest or
     * blob that the registry no longer has (404) makes the result {@code SKIPPED}; other failures throw.
     */
    public CaptureResult capture(OciRegistryClient registry, String repository, Digest digest) {
        long start = System.nanoTime();
        Optional<Manifest> root = registry.manifest(repository, digest.toString());
        if (root.isEmpty()) {
            return skipped(repository, digest, "manifest " + digest + " is gone from the registry (404): pruned", start);
        }
        Map<Digest, Manifest> manifests = new LinkedHashMap<>();
        Map<Digest, BlobRecord> children = new LinkedHashMap<>();
        Map<Digest, BlobRecord> blobs = new LinkedHashMap<>();
        if (root.get().isIndex()) {
            for (Descriptor d : root.get().manifests()) {
                Optional<Manifest> child = registry.manifest(repository, d.digest().toString());
                if (child.isEmpty()) {
                    return skipped(repository, digest, "platform manifest " + d.digest() + " (" + d.platform() + ") is gone (404)", start);
                }
                if (child.get().isIndex()) {
                    // a failure, not a skip: the image exists and the backup would not hold it
                    throw new IllegalStateException("image " + repository + "@" + digest + " is an index whose entry "
                            + d.digest() + " is itself an index (a nested index), which cannot be archived: the backup "
                            + "does not hold this image");
                }
                manifests.put(d.digest(), child.get());
                children.put(d.digest(), new BlobRecord(d.digest(), child.get().mediaType(), child.get().bytes().length, d.platform()));
                collectBlobs(repository, digest, child.get(), blobs);
            }
        } else {
            collectBlobs(repository, digest, root.get(), blobs);
        }
        AtomicLong bytes = new AtomicLong();
        AtomicInteger uploaded = new AtomicInteger();
        AtomicInteger present = new AtomicInteger();
        List<Future<?>> tasks = new ArrayList<>();
        for (BlobRecord blob : blobs.values()) {
            tasks.add(workers.submit(() -> {
                if (isStoredWhole(blob.digest(), blob.size(), repository, digest)) {
                    present.incrementAndGet();
                    return;
                }
                bytes.addAndGet(uploadBlob(registry, repository, digest, blob));
                uploaded.incrementAndGet();
            }));
        }
        try {
            awaitAll(tasks);
        } catch (RegistryNotFoundException e) {
            return skipped(repository, digest, e.getMessage(), start);
        }
        // manifests after their blobs, the root last: a stored manifest never points at a blob that is not stored
        List<Manifest> ordered = new ArrayList<>(manifests.values());
        ordered.add(root.get());
        for (Manifest m : ordered) {
            if (isStoredWhole(m.digest(), m.bytes().length, repository, digest)) {
                present.incrementAndGet();
            } else {
                byte[] content = m.bytes();
                bytes.addAndGet(store.putBlob(m.digest(), content.length, new java.io.ByteArrayInputStream(content)));
                uploaded.incrementAndGet();
            }
        }
        ImageRecord record = new ImageRecord(digest, root.get().mediaType(), root.get().bytes().length, repository,
                new ArrayList<>(children.values()), new ArrayList<>(blobs.values()));
        Outcome outcome = uploaded.get() == 0 ? Outcome.ALREADY_PRESENT : Outcome.CAPTURED;
        return new CaptureResult(repository, digest, outcome, null, record, bytes.get(), uploaded.get(), present.get(), since(start));
    }

    /**
     * Pushes an archived image into {@code repository}: blobs first (present, mounted from one of {@code mountFrom}, or
     * uploaded from S3), then platform manifests by digest, then the root by digest and under each tag.
     *
     * @param mountFrom repositories of the same registry that may already hold the blobs (the caller decides which
     *                  the tenant may read)
     */
    public RestoreResult restore(ImageRecord image, OciRegistryClient registry, String repository, List<String> tags,
                                 List<String> mountFrom) {
        long start = System.nanoTime();
        AtomicInteger pushed = new AtomicInteger();
        AtomicInteger mounted = new AtomicInteger();
        AtomicInteger present = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        List<Future<?>> tasks = new ArrayList<>();
        for (BlobRecord blob : image.blobs()) {
            tasks.add(workers.submit(() -> {
                if (registry.hasBlob(repository, blob.digest())) {
                    present.incrementAndGet();
                    return;
                }
                for (String from : mountFrom) {
                    if (!from.equals(repository) && registry.mountBlob(repository, blob.digest(), from)) {
                        mounted.incrementAndGet();
                        return;
                    }
                }
                long size = store.blobSize(blob.digest()).orElseThrow(() -> new IllegalStateException("storage location "
                        + store.location().name() + ": blob " + blob.digest() + " of image " + image.digest()
                        + " is missing from the archive (" + store.blobKey(blob.digest()) + "): this image cannot be restored"));
                if (blob.size() >= 0 && size != blob.size()) {
                    // pushing it would only get a digest error from the registry; say what is wrong instead
                    throw new IllegalStateException("storage location " + store.location().name() + ": blob " + blob.digest()
                            + " of image " + image.digest() + " is " + size + " bytes in the archive (" + store.blobKey(blob.digest())
                            + "), its image record says " + blob.size() + " bytes: the archived copy is damaged (left by an "
                            + "older or interrupted writer); this image cannot be restored from this backup, a new backup "
                            + "copies the blob again");
                }
                registry.pushBlob(repository, blob.digest(), size, () -> store.openBlob(blob.digest()));
                pushed.incrementAndGet();
                bytes.addAndGet(size);
            }));
        }
        awaitAll(tasks);
        for (BlobRecord child : image.manifests()) {
            pushManifest(registry, repository, child.digest(), child.mediaType(), child.digest().toString());
        }
        pushManifest(registry, repository, image.digest(), image.mediaType(), image.digest().toString());
        for (String tag : tags) {
            pushManifest(registry, repository, image.digest(), image.mediaType(), tag);
        }
        return new RestoreResult(repository, image.digest(), tags, pushed.get(), mounted.get(), present.get(), bytes.get(), since(start));
    }

    private void pushManifest(OciRegistryClient registry, String repository, Digest digest, String mediaType, String reference) {
        byte[] content = store.readObject(store.blobKey(digest), 4 * 1024 * 1024).orElseThrow(() -> new IllegalStateException(
                "storage location " + store.location().name() + ": manifest " + digest + " is missing from the archive ("
                        + store.blobKey(digest) + "): this image cannot be restored"));
        Digest pushed = registry.putManifest(repository, reference, mediaType, content);
        if (!pushed.equals(digest)) {
            throw new IllegalStateException("registry " + registry.registry() + " stored manifest " + digest + " of " + repository
                    + " as " + pushed + ": the registry rewrote it, references by digest would break");
        }
    }

    /**
     * Adds the blobs of an image manifest to {@code blobs}, refusing a declared size the store cannot hold and a blob
     * declared with two sizes. This runs before any blob is fetched: a forged size never reaches a buffer or an upload.
     */
    private void collectBlobs(String repository, Digest image, Manifest manifest, Map<Digest, BlobRecord> blobs) {
        for (Descriptor b : manifest.blobs()) {
            Optional<String> problem = store.declaredSizeProblem(b.size());
            if (problem.isPresent()) {
                throw refused(repository, image, manifest, b, "with \"size\" " + b.size() + ", which " + problem.get());
            }
            BlobRecord known = blobs.putIfAbsent(b.digest(), new BlobRecord(b.digest(), b.mediaType(), b.size(), null));
            if (known != null && known.size() != b.size()) {
                throw refused(repository, image, manifest, b, "with \"size\" " + b.size() + " while another manifest of this "
                        + "image declares it with " + known.size() + ": at most one of them is right, re-push the image");
            }
        }
    }

    private static IllegalArgumentException refused(String repository, Digest image, Manifest manifest, Descriptor blob, String why) {
        return new IllegalArgumentException("image " + repository + "@" + image + ": manifest " + manifest.digest()
                + " declares blob " + blob.digest() + " " + why + "; no blob of this image was copied");
    }

    /**
     * True when the archive holds the blob with its expected size. An object of another size under its key (an older
     * or interrupted writer) is copied again rather than trusted or failed: the verified upload replaces it only with
     * content of that digest and size, so a correct stored blob is never replaced by a wrong one, and a wrong one is
     * repaired instead of failing every later backup. A 400/403 (another SSE-C key) still throws and is never overwritten.
     */
    private boolean isStoredWhole(Digest blob, long size, String repository, Digest image) {
        Optional<Long> stored = store.blobSize(blob);
        if (stored.isPresent() && stored.get() != size) {
            LOG.warn("storage location {}: {} holds {} bytes but image {}@{} declares blob {} with {} bytes: copying it again "
                            + "(the stored object is replaced only by content of that digest and size)",
                    store.location().name(), store.blobKey(blob), stored.get(), repository, image, blob, size);
        }
        return stored.isPresent() && stored.get() == size;
    }

    /** Streams one blob registry → S3; transient registry failures and broken streams retry the whole blob (bounded). */
    private long uploadBlob(OciRegistryClient registry, String repository, Digest image, BlobRecord blob) {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = registry.openBlob(repository, blob.digest())) {
                return store.putBlob(blob.digest(), blob.size(), in);
            } catch (RegistryNotFoundException e) {
                throw e;
            } catch (BlobDigestMismatchException e) {
                throw e.inImage(repository + "@" + image);
            } catch (RegistryException e) {
                if (!e.isTransient() || attempt >= retry.maxAttempts()) {
                    throw e;
                }
            } catch (UncheckedIOException | java.io.IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    java.io.IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (java.io.IOException) e;
                    throw new UncheckedIOException("image " + repository + "@" + image + ": copying blob " + blob.digest()
                            + " failed after " + attempt + " attempts: " + cause.getMessage(), cause);
                }
            }
            sleep(retry.delayAfter(attempt));
        }
    }

    private static void awaitAll(List<Future<?>> tasks) {
        RuntimeException first = null;
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tasks.forEach(t -> t.cancel(true));
                throw new IllegalStateException("interrupted while copying blobs", e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static CaptureResult skipped(String repository, Digest digest, String reason, long start) {
        return new CaptureResult(repository, digest, Outcome.SKIPPED, reason, null, 0, 0, 0, since(start));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
