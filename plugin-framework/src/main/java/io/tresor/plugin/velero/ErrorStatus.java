package io.tresor.plugin.velero;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.logging.LogLine;
import io.tresor.proto.velero.Stack;
import io.tresor.proto.velero.StackFrame;

/**
 * Turns Java failures into the gRPC errors Velero's Go framework sends: code UNKNOWN for an action's error,
 * ABORTED "plugin panicked: …" for anything unexpected, each with one {@code generated.Stack} detail whose first
 * frame (the throw site) Velero shows as {@code error.file}/{@code error.function}.
 */
public final class ErrorStatus {
    private static final int MAX_FRAMES = 32;

    private ErrorStatus() {
    }

    /** An expected error of an action. */
    public static StatusRuntimeException of(ActionException e) {
        return build(Code.UNKNOWN, message(e), e);
    }

    /** An unexpected exception: the process keeps serving, Velero records the item as failed. */
    public static StatusRuntimeException panic(Throwable t) {
        String what = t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage();
        return build(Code.ABORTED, "plugin panicked: " + what, t);
    }

    private static String message(ActionException e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    private static StatusRuntimeException build(Code code, String message, Throwable t) {
        Stack.Builder stack = Stack.newBuilder();
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
            StackTraceElement f = frames[i];
            String source = LogLine.sourceOf(f);
            stack.addFrames(StackFrame.newBuilder()
                    .setFile(source.substring(0, source.lastIndexOf(':')))
                    .setLine(Math.max(f.getLineNumber(), 0))
                    .setFunction(f.getClassName() + "." + f.getMethodName()));
        }
        Status status = Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(message)
                .addDetails(Any.pack(stack.build(), "type.googleapis.com"))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }
}
