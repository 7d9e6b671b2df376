package io.tresor.plugin.testkit.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.OperationProgress;
import io.tresor.plugin.api.ResourceIdentifier;
import io.tresor.plugin.api.ResourceSelector;

import java.time.Instant;
import java.util.List;

/**
 * v2 with an operation: the operation ID names the item; Progress reports running for IDs ending in
 * {@code -running}, failed for {@code -failed}, otherwise completed.
 */
final class AsyncAction implements BackupItemAction {
    private static final Instant STARTED = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("persistentvolumeclaims");
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        String ns = request.item().path("metadata").path("namespace").asText();
        String name = request.item().path("metadata").path("name").asText();
        return BackupItemResult.unchanged().withOperation("op-" + ns + "-" + name,
                List.of(ResourceIdentifier.core("persistentvolumeclaims", ns, name)));
    }

    @Override
    public OperationProgress progress(String operationId, ObjectNode backup) throws ActionException {
        if (operationId.isEmpty()) {
            throw new ActionException("operation ID is empty");
        }
        if (operationId.endsWith("-running")) {
            return OperationProgress.running(3, 10, "images", "copying", STARTED, null);
        }
        if (operationId.endsWith("-failed")) {
            return OperationProgress.failed("image copy failed for " + operationId, STARTED, STARTED.plusSeconds(5));
        }
        return OperationProgress.succeeded("done for backup " + backup.path("metadata").path("name").asText(),
                STARTED, STARTED.plusSeconds(7));
    }

    @Override
    public void cancel(String operationId, ObjectNode backup) throws ActionException {
        if (operationId.endsWith("-uncancellable")) {
            throw new ActionException("operation " + operationId + " cannot be cancelled");
        }
    }
}
