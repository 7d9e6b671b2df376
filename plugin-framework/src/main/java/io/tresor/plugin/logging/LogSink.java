package io.tresor.plugin.logging;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where plugin log lines go: the process' original stderr, one whole line per write so that concurrent
 * lines never interleave. Holds the level threshold ({@code --log-level}) and per-logger floors that keep
 * harmless library chatter out of Velero's warning count.
 */
public final class LogSink {
    private static final LogSink INSTANCE = new LogSink(new FileOutputStream(FileDescriptor.err));

    private final Object writeLock = new Object();
    private final Map<String, LogLevel> floors = new ConcurrentHashMap<>();
    private volatile OutputStream out;
    private volatile LogLevel threshold = LogLevel.INFO;

    LogSink(OutputStream out) {
        this.out = out;
        // Netty warns "Unknown channel option 'SO_KEEPALIVE'" for every unix-socket connection; a warn line
        // would count as a backup warning in Velero.
        floors.put("io.grpc.netty.shaded.io.netty.bootstrap", LogLevel.ERROR);
        floors.put("io.grpc.netty.shaded.io.netty", LogLevel.WARN);
        floors.put("io.grpc.netty.shaded", LogLevel.INFO);
        // Below INFO these echo requests: the tenant's SSE-C key is a header of every S3 call (and signed, so the
        // signer's canonical request holds it too), the wire log holds bodies and the signing secret's use, and
        // fabric8's HTTP logging shows Secrets read from the API. --log-level debug must not put them in the logs.
        floors.put("org.apache.hc", LogLevel.INFO);
        floors.put("software.amazon.awssdk", LogLevel.INFO);
        floors.put("io.fabric8.kubernetes.client.http", LogLevel.INFO);
        floors.put("jdk.internal.httpclient", LogLevel.INFO);
    }

    /** The process-wide sink. */
    public static LogSink get() {
        return INSTANCE;
    }

    /** Sets the threshold from {@code --log-level}. */
    public void setThreshold(LogLevel level) {
        threshold = Objects.requireNonNull(level);
    }

    public LogLevel threshold() {
        return threshold;
    }

    /** Redirects output (tests). */
    public void setOutput(OutputStream stream) {
        out = Objects.requireNonNull(stream);
    }

    /** Whether a line of {@code level} from logger {@code name} would be written. */
    public boolean enabled(String name, LogLevel level) {
        if (!threshold.admits(level)) {
            return false;
        }
        if (name != null) {
            for (Map.Entry<String, LogLevel> f : floors.entrySet()) {
                if (name.startsWith(f.getKey()) && !f.getValue().admits(level)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes one rendered line; never throws. */
    public void write(byte[] line) {
        try {
            synchronized (writeLock) {
                out.write(line);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // stderr closed: Velero is gone; nothing sensible left to do with a log line.
        }
    }
}
