package io.tresor.plugin.logging;

import org.slf4j.Logger;

/**
 * Logs an exception that ended a thread as one JSON line at error level. The JDK's default prints a multi-line stack
 * trace on stderr, which Velero's go-plugin host can only pass on line by line as debug messages.
 */
public final class UncaughtErrors implements Thread.UncaughtExceptionHandler {
    private final Logger log;

    public UncaughtErrors(Logger log) {
        this.log = log;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        try {
            log.atError().addKeyValue("thread", thread.getName()).setCause(error).log("uncaught exception ended a thread");
        } catch (Throwable ignored) {
            // nothing is left to report with; the thread ends either way
        }
    }
}
