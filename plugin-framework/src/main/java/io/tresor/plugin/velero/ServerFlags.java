package io.tresor.plugin.velero;

import io.tresor.plugin.logging.LogLevel;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The part of Velero's command line a plugin honours: {@code --log-level} and {@code --features}, in both
 * {@code --x v} and {@code --x=v} forms. Since Velero 1.15 a plugin gets all of the server's own flags; every
 * other flag is ignored, as Go plugins do.
 */
public record ServerFlags(LogLevel logLevel, Set<String> features, List<String> problems) {

    /** Parses the plugin's argv (without the program name). */
    public static ServerFlags parse(String[] args) {
        LogLevel level = LogLevel.INFO;
        Set<String> features = new LinkedHashSet<>();
        List<String> problems = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            String flag = null;
            for (String f : new String[] {"--log-level", "-log-level", "--features", "-features"}) {
                if (a.equals(f)) {
                    flag = f;
                    if (i + 1 < args.length) {
                        value = args[++i];
                    }
                } else if (a.startsWith(f + "=")) {
                    flag = f;
                    value = a.substring(f.length() + 1);
                }
            }
            if (flag == null) {
                continue;
            }
            if (flag.endsWith("log-level")) {
                if (value == null) {
                    problems.add("--log-level has no value; using info");
                    continue;
                }
                Optional<LogLevel> parsed = LogLevel.fromVeleroFlag(value);
                if (parsed.isPresent()) {
                    level = parsed.get();
                } else {
                    problems.add("--log-level value '" + value
                            + "' is not one of panic, fatal, error, warning, info, debug, trace; using info");
                }
            } else if (value != null) {
                Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(features::add);
            }
        }
        return new ServerFlags(level, Set.copyOf(features), List.copyOf(problems));
    }

    /** Whether Velero runs with the named feature flag (e.g. {@code EnableCSI}). */
    public boolean hasFeature(String name) {
        return features.contains(name);
    }
}
