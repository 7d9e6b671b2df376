package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a RestoreItemAction returns: the item to create ({@code null} = unchanged), items to restore first,
 * whether Velero must skip creating it, and for v2 actions an operation ID and a wait for the additional items.
 */
public record RestoreItemResult(
        ObjectNode item,
        List<ResourceIdentifier> additionalItems,
        boolean skipRestore,
        String operationId,
        boolean waitForAdditionalItems,
        Duration additionalItemsReadyTimeout) {

    public RestoreItemResult {
        additionalItems = List.copyOf(Objects.requireNonNullElse(additionalItems, List.of()));
        operationId = Objects.requireNonNullElse(operationId, "");
        additionalItemsReadyTimeout = Objects.requireNonNullElse(additionalItemsReadyTimeout, Duration.ZERO);
    }

    private static final RestoreItemResult UNCHANGED = new RestoreItemResult(null, null, false, null, false, null);

    /** The item is created as Velero prepared it. */
    public static RestoreItemResult unchanged() {
        return UNCHANGED;
    }

    /** The item is created as given. */
    public static RestoreItemResult of(ObjectNode item) {
        return new RestoreItemResult(Objects.requireNonNull(item, "item"), null, false, null, false, null);
    }

    /** Velero must not create the item (the action took care of it, or it must not be restored). */
    public static RestoreItemResult skip() {
        return new RestoreItemResult(null, null, true, null, false, null);
    }

    /** A copy that restores these items (they must be in the backup) before this one. */
    public RestoreItemResult withAdditionalItems(List<ResourceIdentifier> items) {
        return new RestoreItemResult(item, items, skipRestore, operationId, waitForAdditionalItems, additionalItemsReadyTimeout);
    }

    /** A copy that registers an asynchronous operation (v2 only). */
    public RestoreItemResult withOperation(String id) {
        return new RestoreItemResult(item, additionalItems, skipRestore, id, waitForAdditionalItems, additionalItemsReadyTimeout);
    }

    /** A copy that makes Velero wait (v2 only) until AreAdditionalItemsReady says yes, or the timeout (zero = server default). */
    public RestoreItemResult waitingForAdditionalItems(Duration timeout) {
        return new RestoreItemResult(item, additionalItems, skipRestore, operationId, true, timeout);
    }
}
