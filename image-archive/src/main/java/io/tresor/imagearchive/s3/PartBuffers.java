package io.tresor.imagearchive.s3;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of reusable part buffers. Uploads borrow one and wait when all are out, so the heap the store needs is
 * {@code count × size} whatever the number of parallel uploads; reuse also spares the collector large short-lived
 * arrays (in a small G1 heap, freshly allocated multi-MiB arrays fragment it until allocation fails).
 */
final class PartBuffers {
    private final int size;
    private final int count;
    private final BlockingQueue<byte[]> free;
    private final AtomicInteger allocated = new AtomicInteger();

    PartBuffers(int size, int count) {
        this.size = size;
        this.count = count;
        this.free = new ArrayBlockingQueue<>(count);
    }

    byte[] borrow() throws InterruptedException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated.incrementAndGet() <= count) {
            return new byte[size];
        }
        allocated.decrementAndGet();
        return free.take();
    }

    void giveBack(byte[] buffer) {
        if (buffer.length == size && !free.offer(buffer)) {
            throw new IllegalStateException("a part buffer was returned twice");
        }
    }
}
