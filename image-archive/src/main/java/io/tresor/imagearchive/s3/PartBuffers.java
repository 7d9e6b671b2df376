package io.tresor.imagearchive.s3;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntFunction;

/**
 * A fixed set of reusable part buffers. Uploads borrow one and wait when all are out, so the memory the uploads need is
 * {@code count × size} whatever the number of parallel uploads.
 *
 * <p>The buffers are direct (outside the Java heap) and allocated once: the plugin runs with {@code -Xmx64m}, and
 * three 8 MiB parts on the heap left so little room that every young collection of the registry client's short-lived
 * read buffers became a full collection (measured: ~70 collections and ~2.6 s of pauses per 540 MiB captured). Off
 * the heap they are bounded by {@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap: with
 * {@code -Xmx64m} that is room for 7 buffers in the whole process. So the stores share one pool per part size
 * ({@link #shared}), at most half of that default: concurrent captures (Velero runs item blocks in parallel, each
 * opening its own store) wait for a buffer instead of failing with "Cannot reserve … direct buffer memory".
 */
final class PartBuffers {
    private static final ConcurrentMap<Integer, PartBuffers> SHARED = new ConcurrentHashMap<>();

    private final int size;
    private final int count;
    private final IntFunction<ByteBuffer> allocator;
    private final BlockingQueue<ByteBuffer> free;
    /** Buffers that exist (free or borrowed); guarded by {@code this}. */
    private int allocated;

    PartBuffers(int size, int count, IntFunction<ByteBuffer> allocator) {
        this.size = size;
        this.count = count;
        this.allocator = allocator;
        this.free = new ArrayBlockingQueue<>(count);
    }

    /**
     * The process-wide pool of {@code size} buffers: {@code requested} of them (the first store of that size decides),
     * but never more than half the default direct memory limit (the maximum heap) holds, and at least one.
     */
    static PartBuffers shared(int size, int requested) {
        return SHARED.computeIfAbsent(size, s -> new PartBuffers(s, boundedCount(s, requested, Runtime.getRuntime().maxMemory()),
                ByteBuffer::allocateDirect));
    }

    static int boundedCount(int size, int requested, long maxMemory) {
        return (int) Math.max(1, Math.min(requested, maxMemory / 2 / size));
    }

    int count() {
        return count;
    }

    synchronized int allocated() {
        return allocated;
    }

    /**
     * A cleared buffer of the pool's size; waits while all are borrowed. When a new buffer cannot be allocated (no
     * direct memory left) it waits for one of the existing buffers, and fails only when there is none to wait for.
     *
     * @param what the upload, for the error, e.g. "storage location x: blob sha256:…"
     */
    ByteBuffer borrow(String what) throws InterruptedException {
        ByteBuffer b = free.poll();
        if (b != null) {
            return b.clear();
        }
        synchronized (this) {
            if (allocated < count) {
                allocated++;
                try {
                    return allocator.apply(size);
                } catch (OutOfMemoryError e) {
                    allocated--; // this buffer does not exist: a later borrow may allocate it
                    if (allocated == 0) {
                        throw new ArchiveStoreException(what + ": no memory for a " + (size >> 20) + " MiB upload part buffer ("
                                + e.getMessage() + "): give the plugin process more direct memory (-XX:MaxDirectMemorySize,"
                                + " which defaults to -Xmx)");
                    }
                    // others exist and come back when their uploads end: wait for one of them
                }
            }
        }
        return free.take().clear();
    }

    void giveBack(ByteBuffer buffer) {
        if (buffer.capacity() == size && !free.offer(buffer)) {
            throw new IllegalStateException("a part buffer was returned twice");
        }
    }
}
