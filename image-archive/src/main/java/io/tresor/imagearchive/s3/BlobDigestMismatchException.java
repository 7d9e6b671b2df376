package io.tresor.imagearchive.s3;

import io.tresor.imagearchive.Digest;

/**
 * The streamed content did not hash to the expected digest or did not have its declared size; the upload was aborted
 * and nothing is visible (an object already under the key is left as it was).
 */
public final class BlobDigestMismatchException extends ArchiveStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param actual     digest of what the source sent, or null when it sent more than {@code declaredSize} (reading
     *                   stopped there: the rest is never read into memory)
     * @param actualSize bytes the source sent; with a null {@code actual}, the bytes read before stopping
     */
    public BlobDigestMismatchException(String location, Digest expected, Digest actual, long declaredSize, long actualSize) {
        super("storage location " + location + ": blob " + expected + " was not stored: " + what(actual, declaredSize, actualSize));
    }

    private BlobDigestMismatchException(String message, BlobDigestMismatchException cause) {
        super(message, cause);
    }

    /** The same failure with the image it belongs to named first, e.g. {@code image("ns/is@sha256:…")}. */
    public BlobDigestMismatchException inImage(String image) {
        return new BlobDigestMismatchException("image " + image + ": " + getMessage(), this);
    }

    private static String what(Digest actual, long declaredSize, long actualSize) {
        if (actual == null) {
            return "the source sent more than its declared size of " + declaredSize + " bytes (at least " + actualSize
                    + "); the upload was aborted — the declared size (from the image's manifest) does not match the blob: "
                    + "re-push the image";
        }
        if (actualSize != declaredSize) {
            return "the source sent " + actualSize + " bytes hashing to " + actual + ", its declared size is " + declaredSize
                    + " bytes; the upload was aborted — the declared size (from the image's manifest) does not match the "
                    + "blob, or the registry's copy is truncated: re-push the image";
        }
        return "the source sent " + actualSize + " bytes hashing to " + actual + "; the upload was aborted — the source "
                + "registry served corrupted or different content, retry or repair it";
    }
}
