package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

/** A non-blocking action that writes the name of the thread it ran on into the item (dispatch tests). */
final class ThreadNameAction implements BackupItemAction {
    static final String ANNOTATION = "tresor.io/thread";

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.all();
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        request.item().with("metadata").with("annotations").put(ANNOTATION, Thread.currentThread().getName());
        return BackupItemResult.of(request.item());
    }
}
