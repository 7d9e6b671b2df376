package io.tresor.plugin.logging;

import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SLF4J logger that writes Velero-compatible JSON lines. Key/value pairs of SLF4J's fluent API
 * ({@code log.atInfo().addKeyValue("pvc", "ns/data").log(...)}) become top-level fields.
 */
final class VeleroLogger extends AbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final Set<String> FRAMEWORK_PREFIXES = Set.of(
            "io.tresor.plugin.logging.", "org.slf4j.", "java.util.logging.", "sun.util.logging.",
            "java.lang.Thread", "jdk.internal.");

    private final transient LogSink sink;

    VeleroLogger(String name, LogSink sink) {
        this.name = name;
        this.sink = sink;
    }

    private boolean on(LogLevel l) {
        return sink.enabled(name, l);
    }

    @Override public boolean isTraceEnabled() { return on(LogLevel.TRACE); }
    @Override public boolean isTraceEnabled(Marker marker) { return on(LogLevel.TRACE); }
    @Override public boolean isDebugEnabled() { return on(LogLevel.DEBUG); }
    @Override public boolean isDebugEnabled(Marker marker) { return on(LogLevel.DEBUG); }
    @Override public boolean isInfoEnabled() { return on(LogLevel.INFO); }
    @Override public boolean isInfoEnabled(Marker marker) { return on(LogLevel.INFO); }
    @Override public boolean isWarnEnabled() { return on(LogLevel.WARN); }
    @Override public boolean isWarnEnabled(Marker marker) { return on(LogLevel.WARN); }
    @Override public boolean isErrorEnabled() { return on(LogLevel.ERROR); }
    @Override public boolean isErrorEnabled(Marker marker) { return on(LogLevel.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
                                               Throwable throwable) {
        emit(map(level), messagePattern, arguments, throwable, null);
    }

    @Override
    public void log(LoggingEvent event) {
        LogLevel l = map(event.getLevel());
        if (!on(l)) {
            return;
        }
        List<Map.Entry<String, Object>> fields = null;
        List<KeyValuePair> kvs = event.getKeyValuePairs();
        if (kvs != null && !kvs.isEmpty()) {
            fields = new ArrayList<>(kvs.size());
            for (KeyValuePair kv : kvs) {
                fields.add(new AbstractMap.SimpleImmutableEntry<>(kv.key, kv.value));
            }
        }
        Object[] args = event.getArgumentArray();
        emit(l, event.getMessage(), args, event.getThrowable(), fields);
    }

    private void emit(LogLevel level, String pattern, Object[] args, Throwable throwable,
                      List<Map.Entry<String, Object>> fields) {
        try {
            String message;
            try {
                message = args == null || args.length == 0 ? pattern
                        : MessageFormatter.basicArrayFormat(pattern, args);
            } catch (RuntimeException | StackOverflowError e) {
                // an argument's toString() failed, or recursed through a cycle (a map that holds itself)
                message = pattern;
            }
            sink.write(LogLine.render(level, message, name, callSite(), fields, throwable));
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // A log call must never break the plugin (and so never Velero).
        }
    }

    private static String callSite() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s
                .filter(f -> !isFrameworkFrame(f.getClassName()))
                .findFirst());
        return frame.map(f -> LogLine.sourceOf(f.toStackTraceElement())).orElse(null);
    }

    private static boolean isFrameworkFrame(String cls) {
        for (String p : FRAMEWORK_PREFIXES) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static LogLevel map(Level level) {
        switch (level) {
            case TRACE: return LogLevel.TRACE;
            case DEBUG: return LogLevel.DEBUG;
            case INFO: return LogLevel.INFO;
            case WARN: return LogLevel.WARN;
            default: return LogLevel.ERROR;
        }
    }
}
