package io.tresor.imagearchive.s3;

/** A failure of the S3 image archive; the message names the location, the object and the fix, never the key. */
public class ArchiveStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArchiveStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ArchiveStoreException(String message) {
        super(message);
    }
}
