package io.tresor.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Milliseconds spent in each start-up phase, from the launcher's start (its CLOCK_MONOTONIC reading, passed as
 * {@code -Dtresor.launched.nanos}; System.nanoTime uses the same clock on Linux) to the handshake line.
 * Logged at debug level so that a slow plugin start can be explained from Velero's log.
 */
public final class StartupPhases {
    /** The system property the native launcher sets. */
    public static final String LAUNCHED_PROPERTY = "tresor.launched.nanos";

    private record Mark(String phase, long nanos) {
    }

    private static final List<Mark> MARKS = new ArrayList<>();

    private StartupPhases() {
    }

    /** Records the end of the phase {@code name} now. */
    public static synchronized void mark(String name) {
        MARKS.add(new Mark(name, System.nanoTime()));
    }

    /**
     * Phase name → milliseconds since the previous mark (the first one since the launcher started); empty when
     * the process was not started by the launcher.
     */
    public static synchronized Map<String, Long> millis() {
        Map<String, Long> out = new LinkedHashMap<>();
        long previous;
        try {
            previous = Long.parseLong(System.getProperty(LAUNCHED_PROPERTY, ""));
        } catch (NumberFormatException e) {
            return out;
        }
        for (Mark m : MARKS) {
            out.put(m.phase(), Math.max(0, (m.nanos() - previous) / 1_000_000));
            previous = m.nanos();
        }
        return out;
    }
}
