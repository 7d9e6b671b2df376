package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds each call for 20 ms and records in the returned item how many calls were in flight at once, so a
 * test can see that concurrent RPCs really run concurrently (and that each gets its own item back), and on which
 * thread it ran (a blocking action must never run on the server's I/O thread).
 */
final class ConcurrencyAction implements BackupItemAction {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.all();
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) throws ActionException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException("interrupted");
        } finally {
            inFlight.decrementAndGet();
        }
        request.item().with("metadata").with("annotations")
                .put("tresor.io/max-in-flight", Integer.toString(maxInFlight.get()))
                .put(ThreadNameAction.ANNOTATION, Thread.currentThread().getName());
        return BackupItemResult.of(request.item());
    }
}
