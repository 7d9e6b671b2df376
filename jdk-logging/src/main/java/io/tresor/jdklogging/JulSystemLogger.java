package io.tresor.jdklogging;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One {@link System.Logger} over the java.util.logging logger of the same name, with the JDK's level mapping. */
public final class JulSystemLogger implements System.Logger {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final String name;
    // Resolved at first use: the finder is consulted while java.util.logging itself starts up.
    private volatile Logger jul;

    JulSystemLogger(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return jul().isLoggable(toJul(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        java.util.logging.Level l = toJul(level);
        if (!jul().isLoggable(l)) {
            return;
        }
        LogRecord r = record(l, localized(bundle, msg));
        r.setThrown(thrown);
        jul().log(r);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        java.util.logging.Level l = toJul(level);
        if (!jul().isLoggable(l)) {
            return;
        }
        String pattern = localized(bundle, format);
        String msg = params == null || params.length == 0 || pattern == null
                ? pattern : new MessageFormat(pattern).format(params);
        jul().log(record(l, msg));
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier, Throwable thrown) {
        java.util.logging.Level l = toJul(level);
        if (jul().isLoggable(l)) {
            LogRecord r = record(l, msgSupplier.get());
            r.setThrown(thrown);
            jul().log(r);
        }
    }

    /** The JDK's own mapping (sun.util.logging.PlatformLogger): TRACE→FINER, DEBUG→FINE, ERROR→SEVERE. */
    static java.util.logging.Level toJul(Level level) {
        return switch (level) {
            case ALL -> java.util.logging.Level.ALL;
            case TRACE -> java.util.logging.Level.FINER;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARNING -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
    }

    private Logger jul() {
        Logger l = jul;
        if (l == null) {
            l = Logger.getLogger(name);
            jul = l;
        }
        return l;
    }

    private LogRecord record(java.util.logging.Level level, String msg) {
        LogRecord r = new LogRecord(level, msg);
        r.setLoggerName(name);
        // The caller is the JDK class that logged, not this adapter; setting it also stops JUL's own guess.
        WALKER.walk(frames -> frames.filter(f -> f.getDeclaringClass() != JulSystemLogger.class
                        && !f.getClassName().startsWith("java.lang.System$Logger")).findFirst())
                .ifPresent(f -> {
                    r.setSourceClassName(f.getClassName());
                    r.setSourceMethodName(f.getMethodName());
                });
        return r;
    }

    private static String localized(ResourceBundle bundle, String key) {
        if (bundle == null || key == null || !bundle.containsKey(key)) {
            return key;
        }
        return bundle.getString(key);
    }
}
