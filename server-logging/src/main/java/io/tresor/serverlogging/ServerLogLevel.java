package io.tresor.serverlogging;

import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The webhook's and the freeze agent's {@code --log-level}: one level for SLF4J and for java.util.logging. */
public final class ServerLogLevel {
    /** The levels slf4j-simple knows, quietest last. */
    public static final List<String> NAMES = List.of("trace", "debug", "info", "warn", "error");

    private ServerLogLevel() {
    }

    /**
     * The level {@code value} names, in lower case, or "" when it is blank (slf4j-simple's own setting).
     *
     * @param flag the flag as the server's usage writes it before a value: {@code "--log-level "} or
     *        {@code "--log-level="}, so that the error shows what the admin typed
     * @throws IllegalArgumentException naming the flag, the value, {@code TRESOR_LOG_LEVEL} and the levels
     */
    public static String parse(String value, String flag) {
        String level = value.trim().toLowerCase(Locale.ROOT);
        if (!level.isEmpty() && !NAMES.contains(level)) {
            throw new IllegalArgumentException(flag + value + " is not a log level; set it (or env TRESOR_LOG_LEVEL) "
                    + "to one of " + String.join(", ", NAMES) + ", or leave it unset for info");
        }
        return level;
    }

    /**
     * Makes {@code level} (a {@link #parse} result) slf4j-simple's default level and sends java.util.logging's
     * records to SLF4J instead of JUL's two-line console format, dropping what SLF4J would drop. Call it before the
     * first SLF4J logger: slf4j-simple reads its settings once, when it creates that logger.
     */
    public static void apply(String level) {
        if (!level.isEmpty()) {
            // the loggers simplelogger.properties names keep their level: the libraries that log tokens below INFO
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        // JUL builds a record only for a logger at or above its level: at the default info, gRPC's FINE records cost
        // nothing; at debug they reach SLF4J. The root logger of SLF4J has the default level whichever way it was set
        // (this flag, or -Dorg.slf4j.simpleLogger.defaultLogLevel in JAVA_TOOL_OPTIONS).
        java.util.logging.Logger.getLogger("").setLevel(julLevel(LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)));
    }

    /** The lowest JUL level that SLF4JBridgeHandler logs at a level {@code logger} has enabled. */
    static Level julLevel(Logger logger) {
        if (logger.isTraceEnabled()) {
            return Level.ALL;
        }
        if (logger.isDebugEnabled()) {
            return Level.FINER;
        }
        if (logger.isInfoEnabled()) {
            return Level.CONFIG;
        }
        return logger.isWarnEnabled() ? Level.WARNING : Level.SEVERE;
    }
}
