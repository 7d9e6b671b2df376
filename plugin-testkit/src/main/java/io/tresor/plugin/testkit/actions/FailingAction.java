package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

/** Always fails like a Go action returning an error. */
final class FailingAction implements BackupItemAction {
    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.all();
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) throws ActionException {
        throw new ActionException("cannot back up " + request.item().path("metadata").path("name").asText()
                + ": test failure");
    }
}
