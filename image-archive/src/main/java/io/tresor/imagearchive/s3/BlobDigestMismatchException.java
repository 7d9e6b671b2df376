package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.Digest;

/** The streamed content did not hash to the expected digest (or size); the upload was aborted and nothing is visible. */
public final class BlobDigestMismatchException extends ArchiveStoreException {
    private static final long serialVersionUID = 1L;

    public BlobDigestMismatchException(String location, Digest expected, Digest actual, long expectedSize, long actualSize) {
        super("storage location " + location + ": blob " + expected + " was not stored: the source sent " + actualSize
                + " bytes hashing to " + actual + (expectedSize >= 0 ? " (expected " + expectedSize + " bytes)" : "")
                + "; the upload was aborted — the source registry served corrupted or different content, retry or repair it");
    }
}
