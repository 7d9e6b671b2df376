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

    @Test
    void aStackOverflowOnAWorkerIsAnsweredAsAPanicAndTheWorkerGoesOnServing() throws Exception {
        ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
        try {
            UnaryCall calls = calls(workers);
            Answer<String> overflowed = new Answer<>();
            calls.answer(false, overflowed, "Execute", "tresor.io/x", () -> String.valueOf(depth(0)));
            // Velero's plugin calls carry no deadline: an unanswered call would hang the backup for good.
            Status status = Status.fromThrowable(overflowed.done.get(5, TimeUnit.SECONDS));
            assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(status.getDescription()).startsWith("plugin panicked: ").contains("StackOverflowError");

            Answer<String> next = new Answer<>();
            calls.answer(false, next, "Execute", "tresor.io/x", () -> Thread.currentThread().getName());
            assertThat(next.done.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(next.values).containsExactly("worker");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void anyOtherJvmErrorIsStillAnsweredBeforeItIsRethrown() throws Exception {
        Answer<String> broken = new Answer<>();
        InternalError thrown = new InternalError("jvm in trouble");
        try {
            UnaryCall.answerNow(broken, "Execute", "tresor.io/x", () -> {
                throw thrown;
            });
        } catch (InternalError e) {
            assertThat(e).isSameAs(thrown);
        }
        assertThat(Status.fromThrowable(broken.done.get(5, TimeUnit.SECONDS)).getCode())
                .isEqualTo(Status.Code.ABORTED);
    }

    private static int depth(int n) {
        return depth(n + 1) + 1;
    }
}
