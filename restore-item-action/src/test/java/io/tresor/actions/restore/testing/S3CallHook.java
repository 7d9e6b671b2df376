package io.tresor.actions.restore.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

/**
 * A global SDK interceptor (registered for every S3 client of the test JVM through
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}) that forces one interleaving of a GC pass and a
 * capture: the GC's first blob DELETE waits until a capture found a stored blob present (HEAD 200), or until the hold
 * runs out. Inert unless {@link #arm armed}.
 */
public final class S3CallHook implements ExecutionInterceptor {
    private static volatile Race race;

    /** The latches of one armed race. */
    public static final class Race {
        /** Counted down when the GC is about to delete its first blob (it passed every check before deleting). */
        public final CountDownLatch gcDeleting = new CountDownLatch(1);
        /** Counted down when a HEAD found a stored blob (a capture decided to reuse it). */
        public final CountDownLatch blobReused = new CountDownLatch(1);
        /** Counted down when a capture's first blob HEAD is paused ({@link #pauseFirstBlobHead} only). */
        public final CountDownLatch headPaused = new CountDownLatch(1);
        /** Lets the paused HEAD go on. */
        public final CountDownLatch resumeHead = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean();
        private final AtomicBoolean firstHead = new AtomicBoolean();
        private final boolean pauseHead;
        private final Duration hold;
        private volatile boolean deletedAfterReuse;

        private Race(Duration hold, boolean pauseHead) {
            this.hold = hold;
            this.pauseHead = pauseHead;
        }

        /** Whether the GC's deletion went ahead after a capture had reused a blob (the dangerous order). */
        public boolean deletedAfterReuse() {
            return deletedAfterReuse;
        }
    }

    /** The GC's first blob DELETE waits up to {@code hold} for a capture to find a blob present. */
    public static Race arm(Duration hold) {
        Race r = new Race(hold, false);
        race = r;
        return r;
    }

    /** A capture's first blob HEAD waits (up to {@code hold}) until {@link Race#resumeHead}: a capture in mid-flight. */
    public static Race pauseFirstBlobHead(Duration hold) {
        Race r = new Race(hold, true);
        race = r;
        return r;
    }

    public static void disarm() {
        race = null;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Race r = race;
        if (r != null && r.pauseHead && context.request() instanceof HeadObjectRequest h && isBlob(h.key())
                && r.firstHead.compareAndSet(false, true)) {
            r.headPaused.countDown();
            await(r.resumeHead, r.hold);
            return;
        }
        if (r != null && !r.pauseHead && context.request() instanceof DeleteObjectRequest d && isBlob(d.key()) && r.first.compareAndSet(false, true)) {
            r.gcDeleting.countDown();
            r.deletedAfterReuse = await(r.blobReused, r.hold);
        }
    }

    private static boolean await(CountDownLatch latch, Duration hold) {
        try {
            return latch.await(hold.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Race r = race;
        if (r != null && context.request() instanceof HeadObjectRequest h && isBlob(h.key())) {
            r.blobReused.countDown();
        }
    }

    private static boolean isBlob(String key) {
        return key.contains("/blobs/sha256/");
    }
}
