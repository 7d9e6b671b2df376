package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A Velero RestoreItemAction, registered as v1 or v2 (the v2-only methods have Velero's v1 defaults).
 * Implementations must be thread-safe.
 */
public interface RestoreItemAction extends ItemAction {

    /**
     * Which items this action is called for; asked once per restore.
     * Answered on the I/O thread: return without blocking.
     */
    ResourceSelector appliesTo() throws ActionException;

    /** Called for each selected item before Velero creates it. */
    RestoreItemResult execute(RestoreItemRequest request) throws ActionException;

    /** Progress of an operation this action started (v2). */
    default OperationProgress progress(String operationId, ObjectNode restore) throws ActionException {
        throw new ActionException("plugin does not support asynchronous operations (operation " + operationId + ")");
    }

    /** Best-effort cancel of an operation (v2). */
    default void cancel(String operationId, ObjectNode restore) throws ActionException {
    }

    /** Whether the restored additional items are usable yet (v2, polled every second when asked to wait). */
    default boolean areAdditionalItemsReady(List<ResourceIdentifier> additionalItems, ObjectNode restore)
            throws ActionException {
        return true;
    }
}
