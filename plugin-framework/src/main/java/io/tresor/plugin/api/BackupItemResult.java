package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * What a BackupItemAction returns: the item to store ({@code null} = unchanged, the request item is echoed),
 * items to back up right after it, and for v2 actions an operation ID plus items to re-back-up after it.
 */
public record BackupItemResult(
        ObjectNode item,
        List<ResourceIdentifier> additionalItems,
        String operationId,
        List<ResourceIdentifier> postOperationItems) {

    public BackupItemResult {
        additionalItems = List.copyOf(Objects.requireNonNullElse(additionalItems, List.of()));
        operationId = Objects.requireNonNullElse(operationId, "");
        postOperationItems = List.copyOf(Objects.requireNonNullElse(postOperationItems, List.of()));
    }

    private static final BackupItemResult UNCHANGED = new BackupItemResult(null, null, null, null);

    /** The item is stored as Velero sent it. */
    public static BackupItemResult unchanged() {
        return UNCHANGED;
    }

    /** The item is stored as given. */
    public static BackupItemResult of(ObjectNode item) {
        return new BackupItemResult(Objects.requireNonNull(item, "item"), null, null, null);
    }

    /** A copy that also asks Velero to back up these items right after this one. */
    public BackupItemResult withAdditionalItems(List<ResourceIdentifier> items) {
        return new BackupItemResult(item, items, operationId, postOperationItems);
    }

    /** A copy that registers an asynchronous operation (v2 only), polled through Progress. */
    public BackupItemResult withOperation(String id, List<ResourceIdentifier> postOperation) {
        return new BackupItemResult(item, additionalItems, id, postOperation);
    }
}
