package io.tresor.freeze;

import io.tresor.serverlogging.ServerLogLevel;
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
                          Duration tlsReload, String groupSnapshotVersion, String logLevel) {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
  private static final long DAY = Duration.ofDays(1).toSeconds();

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
    // empty: slf4j-simple's own setting (-Dorg.slf4j.simpleLogger.defaultLogLevel, else info)
    DEFAULTS.put("log-level", "");
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
    Duration def = seconds(v, "lease-default-seconds", 1, DAY, "the lease a Freeze call gets when it asks for none");
    Duration max = seconds(v, "lease-max-seconds", 1, DAY, "the longest lease a Freeze call may ask for");
    if (def.compareTo(max) > 0) {
      throw new IllegalArgumentException("--lease-default-seconds=" + def.toSeconds() + " is more than --lease-max-seconds="
          + max.toSeconds() + "; lower the default or raise the maximum");
    }
    if (v.get("tls-cert").isEmpty() != v.get("tls-key").isEmpty()) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    Set<String> accounts = list(v.get("allowed-service-accounts"));
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("--allowed-service-accounts is required (system:serviceaccount:<ns>:<name>,...)");
    }
    return new AgentConfig(Path.of(v.get("kubelet-pods-dir")), Path.of(v.get("journal")), v.get("listen-address"),
        (int) number(v, "port", 0, 65535, "the gRPC port (0: any free port)"),
        (int) number(v, "metrics-port", 0, 65535, "the metrics port (0: any free port)"), def, max, accounts,
        list(v.get("csi-drivers")), v.get("node-name"), freezer(v.get("freezer")), v.get("fsfreeze"),
        seconds(v, "freeze-timeout-seconds", 1, 600, "how long one FIFREEZE may take before the agent thaws"),
        list(v.get("protect")).stream().map(Path::of).toList(),
        seconds(v, "token-cache-seconds", 0, 3600, "how long a caller's reviewed token is trusted (0: review every call)"),
        v.get("tls-cert"), v.get("tls-key"),
        seconds(v, "tls-reload-seconds", 1, DAY, "how often the agent re-reads --tls-cert/--tls-key for a rotated "
            + "certificate"),
        v.get("group-snapshot-version"), ServerLogLevel.parse(v.get("log-level"), "--log-level="));
  }

  private static String freezer(String name) {
    if (!name.equals("ioctl") && !name.equals("fsfreeze")) {
      throw new IllegalArgumentException("--freezer must be ioctl (FFM) or fsfreeze (util-linux), not " + name);
    }
    return name;
  }

  private static Duration seconds(Map<String, String> v, String flag, long min, long max, String meaning) {
    return Duration.ofSeconds(number(v, flag, min, max, meaning + ", in seconds"));
  }

  /** A whole number flag; a bad value is refused naming the flag, the problem, the variable and the range. */
  private static long number(Map<String, String> v, String flag, long min, long max, String meaning) {
    String value = v.get(flag);
    String fix = "; set it (or env " + envName(flag) + ") to " + meaning + ": " + min + " to " + max + ", default "
        + DEFAULTS.get(flag);
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + flag + "=" + value + " is not a whole number" + fix);
    }
    if (n < min) {
      throw new IllegalArgumentException("--" + flag + "=" + value + (min == 1 ? " is not positive" : " is too small")
          + fix);
    }
    if (n > max) {
      throw new IllegalArgumentException("--" + flag + "=" + value + (max == DAY ? " is more than a day" : " is too large")
          + fix);
    }
    return n;
  }

  static String envName(String flag) {
    return "TRESOR_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static Set<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
