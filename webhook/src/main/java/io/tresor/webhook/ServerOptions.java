package io.tresor.webhook;

import io.tresor.serverlogging.ServerLogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Start-up settings from flags ({@code --cert-dir DIR}) or the environment ({@code TRESOR_CERT_DIR}); flags win.
 *
 * @param clusterSnapshot a v1 List of objects to judge against instead of the API server (local trials, benchmark)
 * @param logLevel the default level of every logger, or "" to leave slf4j-simple's own setting
 */
public record ServerOptions(Path certDir, Path policyFile, String host, int httpsPort, int adminPort,
        Path clusterSnapshot, Duration shutdownDelay, Duration drain, Duration certPoll, String logLevel) {

    public static final String USAGE = """
            tresor-webhook [--cert-dir DIR] [--policy FILE] [--host ADDR] [--https-port N] [--admin-port N]
                           [--cluster-snapshot FILE] [--shutdown-delay-seconds N] [--drain-seconds N]
                           [--log-level LEVEL]
              --cert-dir               directory with tls.crt and tls.key (env TRESOR_CERT_DIR, default /var/run/tls)
              --policy                 YAML policy file (env TRESOR_POLICY, default: built-in safe defaults)
              --host                   address to bind (env TRESOR_HOST, default 0.0.0.0)
              --https-port             admission port (env TRESOR_HTTPS_PORT, default 8443)
              --admin-port             /healthz /readyz /metrics port (env TRESOR_ADMIN_PORT, default 8080)
              --cluster-snapshot       judge against a v1 List file instead of the API server (env TRESOR_CLUSTER_SNAPSHOT)
              --shutdown-delay-seconds unready time before draining on SIGTERM (env TRESOR_SHUTDOWN_DELAY_SECONDS, 3)
              --drain-seconds          longest wait for in-flight reviews (env TRESOR_DRAIN_SECONDS, 10)
              --log-level              trace, debug, info, warn or error (env TRESOR_LOG_LEVEL, default info)
            """;

    public static ServerOptions parse(String[] args, Map<String, String> env) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
            }
            values.put(arg.substring(2), args[++i]);
        }
        java.util.function.BiFunction<String, String, String> get = (flag, fallback) -> {
            String envName = "TRESOR_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            return values.getOrDefault(flag, env.getOrDefault(envName, fallback));
        };
        for (String flag : values.keySet()) {
            if (!USAGE.contains("--" + flag + " ")) {
                throw new IllegalArgumentException("unknown flag --" + flag + "\n" + USAGE);
            }
        }
        String policy = get.apply("policy", "");
        String snapshot = get.apply("cluster-snapshot", "");
        return new ServerOptions(Path.of(get.apply("cert-dir", "/var/run/tls")),
                policy.isEmpty() ? null : Path.of(policy),
                get.apply("host", "0.0.0.0"),
                number(get.apply("https-port", "8443"), "https-port"),
                number(get.apply("admin-port", "8080"), "admin-port"),
                snapshot.isEmpty() ? null : Path.of(snapshot),
                Duration.ofSeconds(number(get.apply("shutdown-delay-seconds", "3"), "shutdown-delay-seconds")),
                Duration.ofSeconds(number(get.apply("drain-seconds", "10"), "drain-seconds")),
                Duration.ofSeconds(1), ServerLogLevel.parse(get.apply("log-level", ""), "--log-level "));
    }

    private static int number(String value, String flag) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " must be a number, got '" + value + "'");
        }
    }
}
