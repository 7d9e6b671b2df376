package io.tresor.plugin.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.logging.Level;
import java.util.logging.LogManager;

/** Routes java.util.logging (gRPC's own logger) into SLF4J, with JUL's level set so filtered calls stay cheap. */
public final class JulBridge {
    private JulBridge() {
    }

    /** Installs the bridge for the given threshold; idempotent. */
    public static void install(LogLevel threshold) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        LogManager.getLogManager().getLogger("").setLevel(toJul(threshold));
    }

    static Level toJul(LogLevel l) {
        switch (l) {
            case TRACE: return Level.FINEST;
            case DEBUG: return Level.FINE;
            case INFO: return Level.INFO;
            case WARN: return Level.WARNING;
            default: return Level.SEVERE;
        }
    }
}
