package io.tresor.freeze;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent's settings from {@code --name=value} flags, else {@code TRESOR_NAME} environment
 * variables, else defaults. Unknown flags are an error: a typo must not silently keep a default.
 */
public record AgentConfig(Path kubeletPodsDir, Path journal, String listenAddress, int port, int metricsPort,
                          Duration defaultLease, Duration maxLease, Set<String> allowedServiceAccounts,
                          Set<String> csiDrivers, String nodeName, String freezer, String fsfreeze, Duration freezeTimeout,
                          List<Path> protectedPaths, Duration tokenCacheTtl, String tlsCert, String tlsKey,
                          Duration tlsReload, String groupSnapshotVersion) {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("kubelet-pods-dir", "/var/lib/kubelet/pods");
    DEFAULTS.put("journal", "/var/lib/tresor-freeze-agent/journal");
    DEFAULTS.put("listen-address", "0.0.0.0");
    DEFAULTS.put("port", "9443");
    DEFAULTS.put("metrics-port", "9090");
    DEFAULTS.put("lease-default-seconds", "30");
    DEFAULTS.put("lease-max-seconds", "600");
    DEFAULTS.put("allowed-service-accounts", "");
    DEFAULTS.put("csi-drivers", "");
    DEFAULTS.put("node-name", "");
    DEFAULTS.put("freezer", "ioctl");
    DEFAULTS.put("fsfreeze", "/usr/sbin/fsfreeze");
    DEFAULTS.put("freeze-timeout-seconds", "10");
    DEFAULTS.put("protect", "/");
    DEFAULTS.put("token-cache-seconds", "10");
    DEFAULTS.put("tls-cert", "");
    DEFAULTS.put("tls-key", "");
    DEFAULTS.put("tls-reload-seconds", "60");
    DEFAULTS.put("group-snapshot-version", "v1beta1");
  }

  public static AgentConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> v = new LinkedHashMap<>();
    DEFAULTS.forEach((name, def) -> v.put(name, env.getOrDefault(envName(name), def)));
    if ("".equals(v.get("node-name"))) {
      v.put("node-name", env.getOrDefault("NODE_NAME", ""));
    }
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0 || !DEFAULTS.containsKey(a.substring(2, eq))) {
        throw new IllegalArgumentException("unknown argument " + a + "; known: --" + String.join("=, --",
            DEFAULTS.keySet()) + "=");
      }
      v.put(a.substring(2, eq), a.substring(eq + 1));
    }
    Duration def = Duration.ofSeconds(Long.parseLong(v.get("lease-default-seconds")));
    Duration max = Duration.ofSeconds(Long.parseLong(v.get("lease-max-seconds")));
    if (def.isZero() || def.isNegative() || def.compareTo(max) > 0) {
      throw new IllegalArgumentException("need 0 < lease-default-seconds <= lease-max-seconds");
    }
    if (v.get("tls-cert").isEmpty() != v.get("tls-key").isEmpty()) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    Set<String> accounts = list(v.get("allowed-service-accounts"));
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("--allowed-service-accounts is required (system:serviceaccount:<ns>:<name>,...)");
    }
    return new AgentConfig(Path.of(v.get("kubelet-pods-dir")), Path.of(v.get("journal")), v.get("listen-address"),
        Integer.parseInt(v.get("port")), Integer.parseInt(v.get("metrics-port")), def, max, accounts,
        list(v.get("csi-drivers")), v.get("node-name"), freezer(v.get("freezer")), v.get("fsfreeze"),
        Duration.ofSeconds(Long.parseLong(v.get("freeze-timeout-seconds"))),
        list(v.get("protect")).stream().map(Path::of).toList(),
        Duration.ofSeconds(Long.parseLong(v.get("token-cache-seconds"))), v.get("tls-cert"), v.get("tls-key"),
        tlsReload(v.get("tls-reload-seconds")), v.get("group-snapshot-version"));
  }

  private static String freezer(String name) {
    if (!name.equals("ioctl") && !name.equals("fsfreeze")) {
      throw new IllegalArgumentException("--freezer must be ioctl (FFM) or fsfreeze (util-linux), not " + name);
    }
    return name;
  }

  /** How often the certificate files are re-read: the service CA rotates them in the mounted Secret. */
  private static Duration tlsReload(String value) {
    String fix = "; set it (or env " + envName("tls-reload-seconds") + ") to how often, in seconds, the agent re-reads "
        + "--tls-cert/--tls-key for a rotated certificate: 1 to 86400, default 60";
    long seconds;
    try {
      seconds = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--tls-reload-seconds=" + value + " is not a whole number" + fix);
    }
    if (seconds <= 0) {
      throw new IllegalArgumentException("--tls-reload-seconds=" + value + " is not positive" + fix);
    }
    if (seconds > Duration.ofDays(1).toSeconds()) {
      throw new IllegalArgumentException("--tls-reload-seconds=" + value + " is more than a day" + fix);
    }
    return Duration.ofSeconds(seconds);
  }

  static String envName(String flag) {
    return "TRESOR_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static Set<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
