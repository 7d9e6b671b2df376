package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

/** Throws an unexpected exception (a bug), which the framework must turn into a panic error and survive. */
final class PanickingAction implements BackupItemAction {
    @Override
    public ResourceSelector appliesTo() {
        throw new IllegalStateException("appliesTo exploded");
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        Object nothing = request.item().get("noSuchField");
        return BackupItemResult.of(request.item().with(nothing.toString()));
    }
}
