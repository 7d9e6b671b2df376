package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

/** Returns every item unchanged: the cheapest possible Execute (benchmarks, echo semantics). */
final class PassthroughAction implements BackupItemAction {
    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.all();
    }

    /** Nothing to wait for: answered on the server's I/O thread. */
    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        return BackupItemResult.unchanged();
    }
}
