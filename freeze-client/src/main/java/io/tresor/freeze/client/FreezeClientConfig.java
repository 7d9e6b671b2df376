package io.tresor.freeze.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the freeze agents run and how long a call may take. Defaults match {@code deploy/freeze-agent}:
 * namespace {@code tresor}, label {@code app.kubernetes.io/name=tresor-freeze-agent}, container port
 * {@code grpc} (9443 when the pod does not name it).
 */
public record FreezeClientConfig(String agentNamespace, String agentLabelSelector, String portName, int defaultPort,
                                 Duration callTimeout, Path tokenFile) {

  public static final String DEFAULT_NAMESPACE = "tresor";
  public static final String DEFAULT_SELECTOR = "app.kubernetes.io/name=tresor-freeze-agent";
  public static final Path IN_CLUSTER_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  public FreezeClientConfig {
    Objects.requireNonNull(agentNamespace, "agentNamespace");
    Objects.requireNonNull(agentLabelSelector, "agentLabelSelector");
    Objects.requireNonNull(portName, "portName");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(tokenFile, "tokenFile");
  }

  /** The deployment's defaults with the given call timeout. */
  public static FreezeClientConfig defaults(Duration callTimeout) {
    return new FreezeClientConfig(DEFAULT_NAMESPACE, DEFAULT_SELECTOR, "grpc", 9443, callTimeout, IN_CLUSTER_TOKEN);
  }

  /**
   * The defaults, overridden by {@code TRESOR_FREEZE_AGENT_NAMESPACE}, {@code TRESOR_FREEZE_AGENT_SELECTOR}
   * and {@code TRESOR_FREEZE_TOKEN_FILE} when set.
   */
  public static FreezeClientConfig fromEnvironment(Map<String, String> env, Duration callTimeout) {
    FreezeClientConfig d = defaults(callTimeout);
    return new FreezeClientConfig(env.getOrDefault("TRESOR_FREEZE_AGENT_NAMESPACE", d.agentNamespace()),
        env.getOrDefault("TRESOR_FREEZE_AGENT_SELECTOR", d.agentLabelSelector()), d.portName(), d.defaultPort(),
        callTimeout, Path.of(env.getOrDefault("TRESOR_FREEZE_TOKEN_FILE", d.tokenFile().toString())));
  }

  public FreezeClientConfig withTokenFile(Path file) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, file);
  }

  public FreezeClientConfig withCallTimeout(Duration timeout) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, timeout, tokenFile);
  }
}
