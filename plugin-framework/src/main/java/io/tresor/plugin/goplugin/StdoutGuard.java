package io.tresor.plugin.goplugin;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps stdout for the handshake alone: Velero takes the first stdout line as the handshake and discards the
 * rest, so anything a library prints to {@code System.out} is sent to stderr instead.
 */
public final class StdoutGuard {
    private static OutputStream handshakeOut;

    private StdoutGuard() {
    }

    /** Takes the real stdout away from {@code System.out}; call first thing in main. Idempotent. */
    public static synchronized void install() {
        if (handshakeOut == null) {
            handshakeOut = new FileOutputStream(FileDescriptor.out);
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        }
    }

    /** Writes the handshake line to the real stdout and flushes it. */
    public static synchronized void printHandshake(String line) throws IOException {
        install();
        handshakeOut.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        handshakeOut.flush();
    }
}
