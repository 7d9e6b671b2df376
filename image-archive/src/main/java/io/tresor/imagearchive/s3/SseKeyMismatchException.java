package io.tresor.imagearchive.s3;

/** An object exists but the storage answered 400/403 to the SSE-C key sent: never treat it as absent, never overwrite it. */
public final class SseKeyMismatchException extends ArchiveStoreException {
    private static final long serialVersionUID = 1L;

    public SseKeyMismatchException(String location, String key, int status, Throwable cause) {
        super("storage location " + location + ": SSE-C key mismatch on " + key + " (HTTP " + status
                + "): the object was written with another customer key, or the credentials may not read it; use the key that "
                + "this location was written with (its customerKeyEncryption Secret or file) — the object is left untouched", cause);
    }
}
