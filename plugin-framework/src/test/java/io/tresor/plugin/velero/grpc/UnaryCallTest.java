package io.tresor.plugin.velero.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UnaryCallTest {

    /** Records what the RPC was answered with and on which thread. */
    private static final class Answer<T> implements StreamObserver<T> {
        final List<T> values = new ArrayList<>();
        final CompletableFuture<Throwable> done = new CompletableFuture<>();
        volatile String thread;

        @Override public void onNext(T value) { values.add(value); thread = Thread.currentThread().getName(); }
        @Override public void onError(Throwable t) { thread = Thread.currentThread().getName(); done.complete(t); }
        @Override public void onCompleted() { done.complete(null); }
    }

    private static UnaryCall calls(ExecutorService workers) {
        return new UnaryCall(workers, PluginRegistry.builder().build(), PluginKind.BACKUP_ITEM_ACTION_V2);
    }

    @Test
    void aNonBlockingActionIsAnsweredOnTheCallingThreadAndABlockingOneOnAWorker() throws Exception {
        ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
        try {
            UnaryCall calls = calls(workers);
            Answer<String> inline = new Answer<>();
            calls.answer(true, inline, "Execute", "tresor.io/x", () -> Thread.currentThread().getName());
            assertThat(inline.done).isCompletedWithValue(null);
            assertThat(inline.values).containsExactly(Thread.currentThread().getName());

            Answer<String> offloaded = new Answer<>();
            calls.answer(false, offloaded, "Execute", "tresor.io/x", () -> Thread.currentThread().getName());
            assertThat(offloaded.done.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(offloaded.values).containsExactly("worker");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void errorsAreAnsweredOnTheThreadThatRanTheBody() throws Exception {
        ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
        try {
            UnaryCall calls = calls(workers);
            Answer<String> failed = new Answer<>();
            calls.answer(false, failed, "Execute", "tresor.io/x", () -> {
                throw new ActionException("registry unreachable");
            });
            assertThat(Status.fromThrowable(failed.done.get(5, TimeUnit.SECONDS)).getCode())
                    .isEqualTo(Status.Code.UNKNOWN);
            assertThat(failed.thread).isEqualTo("worker");

            Answer<String> panicked = new Answer<>();
            calls.answer(true, panicked, "Execute", "tresor.io/x", () -> {
                throw new IllegalStateException("bug");
            });
            assertThat(Status.fromThrowable(panicked.done.get()).getCode()).isEqualTo(Status.Code.ABORTED);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aCallArrivingWhileThePluginStopsIsRefusedAsUnavailable() throws Exception {
        ExecutorService workers = Executors.newSingleThreadExecutor();
        workers.shutdown();
        Answer<String> late = new Answer<>();
        calls(workers).answer(false, late, "Execute", "tresor.io/x", () -> "never");

        Status status = Status.fromThrowable(late.done.get());
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("plugin is shutting down");
        assertThat(late.values).isEmpty();
    }
}
