package io.tresor.jdklogging;

/**
 * The JDK's platform loggers ({@code System.getLogger}, used by its HTTP client, TLS and others) backed by
 * java.util.logging, exactly where the JDK's default finder sends them; the plugin bridges that to its JSON log.
 */
public final class JulLoggerFinder extends System.LoggerFinder {
    /** Instantiated by the JDK's service lookup. */
    public JulLoggerFinder() {
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new JulSystemLogger(name);
    }
}
