package io.tresor.plugin.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Progress of an asynchronous operation started by a v2 action. {@code completed} with an empty {@code error}
 * means success; with a non-empty one, failure. {@code started}/{@code updated} may be null ("unknown").
 */
public record OperationProgress(
        boolean completed,
        String error,
        long completedUnits,
        long totalUnits,
        String units,
        String description,
        Instant started,
        Instant updated) {

    public OperationProgress {
        error = Objects.requireNonNullElse(error, "");
        units = Objects.requireNonNullElse(units, "");
        description = Objects.requireNonNullElse(description, "");
    }

    /** A finished, successful operation. */
    public static OperationProgress succeeded(String description, Instant started, Instant updated) {
        return new OperationProgress(true, "", 0, 0, "", description, started, updated);
    }

    /** A finished, failed operation; {@code error} is shown to the user. */
    public static OperationProgress failed(String error, Instant started, Instant updated) {
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("a failed operation needs an error message");
        }
        return new OperationProgress(true, error, 0, 0, "", "", started, updated);
    }

    /** A running operation with a unit count, e.g. bytes or images. */
    public static OperationProgress running(long completedUnits, long totalUnits, String units, String description,
                                            Instant started, Instant updated) {
        return new OperationProgress(false, "", completedUnits, totalUnits, units, description, started, updated);
    }
}
