package io.tresor.plugin.api;

/**
 * An expected failure of an action (Go's {@code error}): Velero records it against the item, the backup ends
 * PartiallyFailed. The message is what the user reads, so it names the object, the problem and the fix.
 * Any other exception thrown by an action is reported as a plugin panic.
 */
public class ActionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ActionException(String message) {
        super(message);
    }

    public ActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
