package io.tresor.imagearchive.registry;

/** A registry answered with an error or could not be reached; the message names the registry, the request and the fix. */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public RegistryException(String message, int status) {
        this(message, status, null);
    }

    /** The HTTP status, 0 when no response was received. */
    public int status() {
        return status;
    }

    /** True for a connection failure, 429 or 5xx: the same call may succeed later. */
    public boolean isTransient() {
        return status == 0 || RetryPolicy.isRetryableStatus(status);
    }
}
