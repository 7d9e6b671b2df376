package io.tresor.actions.backup;

import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.plugin.api.ActionException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A backup's archive store, opened on its own thread while the capture asks the cluster for the registry host and plans.
 * Opening reads the storage location and its Secrets and builds the S3 client, both first uses of large libraries in a
 * fresh plugin process (measured: ~0.4 s of the ~1.7 s before the first blob moves), so it overlaps the other cold
 * work instead of following it. Nothing is written to the archive here.
 */
final class ArchiveOpening implements AutoCloseable {
    /** Opens a store; may fail with the item's error. */
    interface Opener {
        S3BlobStore open() throws ActionException;
    }

    private final CompletableFuture<S3BlobStore> store = new CompletableFuture<>();
    private boolean taken;

    private ArchiveOpening() {
    }

    static ArchiveOpening start(Opener opener) {
        ArchiveOpening opening = new ArchiveOpening();
        Thread t = new Thread(() -> {
            try {
                opening.store.complete(opener.open());
            } catch (Throwable e) {
                opening.store.completeExceptionally(e);
            }
        }, "tresor-archive-open");
        t.setDaemon(true);
        t.start();
        return opening;
    }

    /** The opened store (the caller closes it), or the error opening it. */
    S3BlobStore take() throws ActionException {
        try {
            S3BlobStore s = store.get();
            taken = true;
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException("interrupted while opening the backup's storage location", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ActionException a) {
                throw a;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ActionException("the backup's storage location cannot be opened: " + cause, cause);
        }
    }

    /** A store that was not taken (nothing to capture, or the plan failed) is closed once it is open; errors are moot. */
    @Override
    public void close() {
        if (!taken) {
            store.whenComplete((s, e) -> {
                if (s != null) {
                    s.close();
                }
            });
        }
    }
}
