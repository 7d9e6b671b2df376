package io.tresor.plugin.logging;

import java.util.Locale;
import java.util.Optional;

/**
 * Log levels as hclog names them in {@code @level}; Velero accepts exactly these five strings (anything else,
 * such as logrus' {@code warning}, demotes the whole line to debug).
 */
public enum LogLevel {
    TRACE("trace"), DEBUG("debug"), INFO("info"), WARN("warn"), ERROR("error");

    private final String wireName;

    LogLevel(String wireName) {
        this.wireName = wireName;
    }

    /** The string written as {@code @level}. */
    public String wireName() {
        return wireName;
    }

    /** Whether a line at {@code level} passes a threshold of this level. */
    public boolean admits(LogLevel level) {
        return level.ordinal() >= ordinal();
    }

    /**
     * Parses a Velero/logrus {@code --log-level} value: {@code panic}, {@code fatal} and {@code error} mean error,
     * {@code warning} and {@code warn} mean warn.
     */
    public static Optional<LogLevel> fromVeleroFlag(String value) {
        if (value == null) {
            return Optional.empty();
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "panic": case "fatal": case "error": return Optional.of(ERROR);
            case "warning": case "warn": return Optional.of(WARN);
            case "info": return Optional.of(INFO);
            case "debug": return Optional.of(DEBUG);
            case "trace": return Optional.of(TRACE);
            default: return Optional.empty();
        }
    }
}
