package io.tresor.imagearchive.s3;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of reusable part buffers. Uploads borrow one and wait when all are out, so the memory the store needs is
 * {@code count × size} whatever the number of parallel uploads.
 *
 * <p>The buffers are direct (outside the Java heap) and allocated once: the plugin runs with {@code -Xmx64m}, and
 * three 8 MiB parts on the heap left so little room that every young collection of the registry client's short-lived
 * read buffers became a full collection (measured: ~70 collections and ~2.6 s of pauses per 540 MiB captured). Off
 * the heap they are still bounded by this pool, and by {@code -XX:MaxDirectMemorySize} (defaults to {@code -Xmx}).
 */
final class PartBuffers {
    private final int size;
    private final int count;
    private final BlockingQueue<ByteBuffer> free;
    private final AtomicInteger allocated = new AtomicInteger();

    PartBuffers(int size, int count) {
        this.size = size;
        this.count = count;
        this.free = new ArrayBlockingQueue<>(count);
    }

    /** A cleared buffer of the pool's size. */
    ByteBuffer borrow() throws InterruptedException {
        ByteBuffer b = free.poll();
        if (b == null) {
            if (allocated.incrementAndGet() <= count) {
                return ByteBuffer.allocateDirect(size);
            }
            allocated.decrementAndGet();
            b = free.take();
        }
        return b.clear();
    }

    void giveBack(ByteBuffer buffer) {
        if (buffer.capacity() == size && buffer.isDirect() && !free.offer(buffer)) {
            throw new IllegalStateException("a part buffer was returned twice");
        }
    }
}
