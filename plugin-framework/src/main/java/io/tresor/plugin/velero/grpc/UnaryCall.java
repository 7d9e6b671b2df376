package io.tresor.plugin.velero.grpc;

import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.velero.ErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one unary RPC body and answers it: a value, an action's error (UNKNOWN), or a panic (ABORTED) — the
 * process keeps serving in every case.
 */
final class UnaryCall {
    private static final Logger LOG = LoggerFactory.getLogger(UnaryCall.class);

    /** An RPC body that may fail like an action. */
    @FunctionalInterface
    interface Body<T> {
        T run() throws ActionException;
    }

    private UnaryCall() {
    }

    static <T> void answer(StreamObserver<T> observer, String method, String plugin, Body<T> body) {
        T value;
        try {
            value = body.run();
        } catch (ActionException e) {
            observer.onError(ErrorStatus.of(e));
            return;
        } catch (VirtualMachineError e) {
            throw e;
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
}
