package io.tresor.imagearchive.s3;

import java.util.Optional;

/**
 * Which declared blob sizes the archive accepts, and how an upload buffers them.
 *
 * <p>A blob's declared size comes from its manifest, i.e. from whoever pushed the image: it is checked here before it
 * sizes anything. The only buffer it may size is the heap buffer of a blob below {@link #SMALL_BLOB} (at most 1 MiB);
 * every larger blob goes through the shared part buffer pool, whose part size bounds the largest blob at
 * {@value #S3_MAX_PARTS} parts. Before this check, a declared size beyond that bound got a heap buffer of
 * {@code size / 10,000} of its own: a manifest declaring 1 TiB made the plugin allocate 105 MiB under {@code -Xmx64m}.
 */
public final class BlobSizeLimits {
    /** S3's largest object (5 TiB). */
    public static final long S3_MAX_OBJECT_SIZE = 5L * 1024 * 1024 * 1024 * 1024;
    /** S3's largest part number of a multipart upload. */
    public static final int S3_MAX_PARTS = 10_000;
    /** Blobs below this size are uploaded in one PUT from a heap buffer of their own size (plus one byte). */
    public static final long SMALL_BLOB = 1024 * 1024;

    /** How an upload of a blob buffers its content. */
    public enum Buffering {
        /** A heap buffer of the declared size plus one byte (to notice a longer stream), never more than 1 MiB. */
        OWN_HEAP_BUFFER,
        /** A part buffer borrowed from the process-wide pool. */
        POOLED_PART
    }

    private BlobSizeLimits() {
    }

    /** The largest blob parts of {@code partSize} can hold: {@value #S3_MAX_PARTS} parts, and no more than 5 TiB. */
    public static long maxBlobSize(int partSize) {
        return Math.min(S3_MAX_OBJECT_SIZE, (long) S3_MAX_PARTS * partSize);
    }

    /**
     * Why a blob declaring {@code declared} bytes cannot be archived with parts of {@code partSize}, with the fix; empty
     * when it can. The text continues a sentence such as "its manifest declares size N, which …".
     */
    public static Optional<String> problem(long declared, int partSize) {
        if (declared < 0) {
            return Optional.of("is negative: a size counts the blob's bytes; the manifest is malformed, re-push the image");
        }
        if (declared > S3_MAX_OBJECT_SIZE) {
            return Optional.of("is above 5 TiB, S3's largest object: no storage location can hold this blob; the manifest is "
                    + "most likely forged or corrupted, re-push the image");
        }
        long max = maxBlobSize(partSize);
        if (declared > max) {
            return Optional.of("is above the " + max + " bytes this archive stores per blob (S3's " + S3_MAX_PARTS
                    + " parts of the plugin's " + (partSize >> 20) + " MiB part buffers): split the layer or exclude the "
                    + "image from the backup");
        }
        return Optional.empty();
    }

    /** How a blob of an accepted {@code declared} size is buffered (see {@link #problem} for which sizes are accepted). */
    public static Buffering buffering(long declared) {
        return declared < SMALL_BLOB ? Buffering.OWN_HEAP_BUFFER : Buffering.POOLED_PART;
    }
}
