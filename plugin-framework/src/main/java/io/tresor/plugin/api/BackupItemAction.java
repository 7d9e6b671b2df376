package io.tresor.plugin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Velero BackupItemAction. Registered as v1 or v2; the v2-only methods have defaults that match what Velero
 * does for v1 actions. Implementations must be thread-safe: Velero calls them concurrently.
 */
public interface BackupItemAction extends ItemAction {

    /**
     * Which items this action is called for; asked once per backup.
     * Answered on the I/O thread: return without blocking.
     */
    ResourceSelector appliesTo() throws ActionException;

    /** Called for each selected item. */
    BackupItemResult execute(BackupItemRequest request) throws ActionException;

    /** Progress of an operation this action started (v2). Never called for an action that starts none. */
    default OperationProgress progress(String operationId, ObjectNode backup) throws ActionException {
        throw new ActionException("plugin does not support asynchronous operations (operation " + operationId + ")");
    }

    /** Best-effort cancel of an operation (v2); Velero ignores errors. */
    default void cancel(String operationId, ObjectNode backup) throws ActionException {
    }
}
