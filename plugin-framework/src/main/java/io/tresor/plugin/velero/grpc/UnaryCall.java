package io.tresor.plugin.velero.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.velero.ErrorStatus;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs one unary RPC body and answers it: a value, an action's error (UNKNOWN), or a panic (ABORTED) — the
 * process keeps serving in every case. The server calls the services on its I/O thread; a body that may block runs
 * on a worker thread instead.
 */
final class UnaryCall {
    private static final Logger LOG = LoggerFactory.getLogger(UnaryCall.class);

    /** An RPC body that may fail like an action. */
    @FunctionalInterface
    interface Body<T> {
        T run() throws ActionException;
    }

    private final Executor workers;
    private final PluginRegistry registry;
    private final PluginKind kind;

    /** For the actions of {@code kind}: each call's placement follows its action's {@code nonBlocking()}. */
    UnaryCall(Executor workers, PluginRegistry registry, PluginKind kind) {
        this.workers = workers;
        this.registry = registry;
        this.kind = kind;
    }

    /** Answers a call of {@code plugin}: here if that action declared itself non-blocking, else on a worker. */
    <T> void answer(StreamObserver<T> observer, String method, String plugin, Body<T> body) {
        answer(registry.nonBlocking(kind, plugin), observer, method, plugin, body);
    }

    /**
     * Answers on a worker thread, or right here when the action declared itself non-blocking (see
     * {@link io.tresor.plugin.api.ItemAction#nonBlocking()}).
     */
    <T> void answer(boolean nonBlocking, StreamObserver<T> observer, String method, String plugin, Body<T> body) {
        if (nonBlocking) {
            answerNow(observer, method, plugin, body);
            return;
        }
        try {
            workers.execute(Context.current().wrap(() -> answerNow(observer, method, plugin, body)));
        } catch (RejectedExecutionException e) {
            observer.onError(Status.UNAVAILABLE.withDescription("plugin is shutting down").asRuntimeException());
        }
    }

    /** Answers here, on the calling thread: for bodies that never block (AppliesTo returns a fixed selector). */
    static <T> void answerNow(StreamObserver<T> observer, String method, String plugin, Body<T> body) {
        T value;
        try {
            value = body.run();
        } catch (ActionException e) {
            observer.onError(ErrorStatus.of(e));
            return;
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                // The JVM is in trouble (the packaged tree exits on OutOfMemoryError anyway); still answer, so that
                // Velero's call (which has no deadline) gets an error instead of waiting forever, then let it go.
                answerPanic(observer, e);
                throw e;
            }
            // A stack overflow is over once it reached here: the stack is unwound. A Go plugin's goroutine would
            // crash the process; answering it as a panic keeps the process serving, as for any other panic.
            LOG.atDebug().addKeyValue("plugin", plugin).addKeyValue("method", method).setCause(e)
                    .log("plugin panicked");
            answerPanic(observer, e);
            return;
        } catch (Throwable t) {
            // Debug only: Velero itself logs the returned error at error level (and counts it once).
            LOG.atDebug().addKeyValue("plugin", plugin).addKeyValue("method", method).setCause(t)
                    .log("plugin panicked");
            observer.onError(ErrorStatus.panic(t));
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    private static void answerPanic(StreamObserver<?> observer, Throwable t) {
        try {
            observer.onError(ErrorStatus.panic(t));
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // the call may already be cancelled or closed; nothing else to tell Velero
        }
    }
}
