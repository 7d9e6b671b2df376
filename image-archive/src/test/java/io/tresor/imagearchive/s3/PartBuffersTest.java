package io.tresor.imagearchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The part buffer pool: failed allocations leave no phantom buffer behind, and borrowers beyond the pool wait. */
class PartBuffersTest {
    static final int SIZE = 1024 * 1024;
    static final Duration BOUND = Duration.ofSeconds(10);

    /** An allocator that fails while {@code failing} is set, as allocateDirect does when direct memory is exhausted. */
    static IntFunction<ByteBuffer> allocator(AtomicBoolean failing, AtomicInteger calls) {
        return size -> {
            calls.incrementAndGet();
            if (failing.get()) {
                throw new OutOfMemoryError("Cannot reserve " + size + " bytes of direct buffer memory (allocated: 1, limit: 2)");
            }
            return ByteBuffer.allocate(size);
        };
    }

    @Test
    void aFailedFirstAllocationIsAClearErrorAndALaterBorrowAllocatesInsteadOfWaitingForever() {
        AtomicBoolean failing = new AtomicBoolean(true);
        PartBuffers pool = new PartBuffers(SIZE, 1, allocator(failing, new AtomicInteger()));

        assertThatThrownBy(() -> assertTimeoutPreemptively(BOUND, () -> pool.borrow("storage location s: uploading blob sha256:ab")))
                .isInstanceOf(ArchiveStoreException.class)
                .hasMessageStartingWith("storage location s: uploading blob sha256:ab: no memory for a 1 MiB upload part buffer")
                .hasMessageContaining("Cannot reserve").hasMessageContaining("-XX:MaxDirectMemorySize");
        assertThat(pool.allocated()).as("the failed buffer is not counted").isZero();

        failing.set(false);
        // before the fix the pool counted the failed buffer as allocated and this waited forever for it
        ByteBuffer b = assertTimeoutPreemptively(BOUND, () -> pool.borrow("later"));
        assertThat(b.capacity()).isEqualTo(SIZE);
        assertThat(pool.allocated()).isEqualTo(1);
    }

    @Test
    void whenNoMoreCanBeAllocatedABorrowerWaitsForABufferAnotherUploadHolds() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(false);
        PartBuffers pool = new PartBuffers(SIZE, 2, allocator(failing, new AtomicInteger()));
        ByteBuffer first = pool.borrow("first");
        failing.set(true);

        CompletableFuture<ByteBuffer> second = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.borrow("second");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(second).as("waits rather than failing while a buffer is out").isNotDone();
        pool.giveBack(first);
        assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isSameAs(first);
        assertThat(pool.allocated()).isEqualTo(1);
    }

    @Test
    void threeConcurrentBorrowersOnAPoolOfTwoAllCompleteWithNeverMoreThanTwoBuffers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PartBuffers pool = new PartBuffers(SIZE, 2, allocator(new AtomicBoolean(false), calls));
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        List<CompletableFuture<Void>> borrowers = new ArrayList<>();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            borrowers.add(CompletableFuture.runAsync(() -> {
                for (int round = 0; round < 20; round++) {
                    ByteBuffer b;
                    try {
                        b = pool.borrow("borrower");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    try {
                        maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        holding.decrementAndGet();
                        pool.giveBack(b);
                    }
                }
            }, threads));
        }
        try {
            CompletableFuture.allOf(borrowers.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(maxHolding.get()).isLessThanOrEqualTo(2);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(pool.allocated()).isEqualTo(2);
    }

    @Test
    void theSharedPoolKeepsToHalfTheDefaultDirectMemory() {
        long mib = 1024 * 1024;
        assertThat(PartBuffers.boundedCount(8 * (int) mib, 4, 62 * mib)).as("-Xmx64m: 3 of the 7 that fit").isEqualTo(3);
        assertThat(PartBuffers.boundedCount(8 * (int) mib, 4, 1024 * mib)).isEqualTo(4);
        assertThat(PartBuffers.boundedCount(8 * (int) mib, 4, 10 * mib)).as("at least one").isEqualTo(1);
    }
}
