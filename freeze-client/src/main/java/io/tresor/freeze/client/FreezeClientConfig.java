package io.tresor.freeze.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the freeze agents run, how long a call may take and how the connection is secured. Defaults match
 * {@code deploy/freeze-agent}: namespace {@code tresor}, label {@code app.kubernetes.io/name=tresor-freeze-agent},
 * container port {@code grpc} (9443 when the pod does not name it), plaintext.
 *
 * @param caFile PEM bundle of the CA(s) that sign the agents' serving certificates; null = plaintext
 * @param tlsServerName the DNS name the agents' certificates must carry (checked instead of the pod IP dialled)
 */
public record FreezeClientConfig(String agentNamespace, String agentLabelSelector, String portName, int defaultPort,
                                 Duration callTimeout, Path tokenFile, Path caFile, String tlsServerName) {

  public static final String DEFAULT_NAMESPACE = "tresor";
  public static final String DEFAULT_SELECTOR = "app.kubernetes.io/name=tresor-freeze-agent";
  public static final Path IN_CLUSTER_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
  public static final String CA_FILE_ENV = "TRESOR_FREEZE_AGENT_CA_FILE";
  public static final String TLS_SERVER_NAME_ENV = "TRESOR_FREEZE_AGENT_TLS_SERVER_NAME";

  public FreezeClientConfig {
    Objects.requireNonNull(agentNamespace, "agentNamespace");
    Objects.requireNonNull(agentLabelSelector, "agentLabelSelector");
    Objects.requireNonNull(portName, "portName");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(tlsServerName, "tlsServerName");
  }

  /** The deployment's defaults with the given call timeout. */
  public static FreezeClientConfig defaults(Duration callTimeout) {
    return new FreezeClientConfig(DEFAULT_NAMESPACE, DEFAULT_SELECTOR, "grpc", 9443, callTimeout, IN_CLUSTER_TOKEN,
        null, serviceName(DEFAULT_NAMESPACE));
  }

  /**
   * The name of a service-serving certificate for the agent's Service {@code tresor-freeze-agent} in the namespace
   * (what OpenShift's service CA puts in the certificate's subjectAltName).
   */
  public static String serviceName(String namespace) {
    return "tresor-freeze-agent." + namespace + ".svc";
  }

  /**
   * The defaults, overridden by {@code TRESOR_FREEZE_AGENT_NAMESPACE}, {@code TRESOR_FREEZE_AGENT_SELECTOR},
   * {@code TRESOR_FREEZE_TOKEN_FILE}, {@code TRESOR_FREEZE_AGENT_CA_FILE} (TLS when set) and
   * {@code TRESOR_FREEZE_AGENT_TLS_SERVER_NAME} (default {@code tresor-freeze-agent.<namespace>.svc}) when set
   * and not blank. The CA file is read when the client is created ({@link FreezeClient#create}).
   */
  public static FreezeClientConfig fromEnvironment(Map<String, String> env, Duration callTimeout) {
    FreezeClientConfig d = defaults(callTimeout);
    String namespace = value(env, "TRESOR_FREEZE_AGENT_NAMESPACE", d.agentNamespace());
    String ca = value(env, CA_FILE_ENV, null);
    return new FreezeClientConfig(namespace, value(env, "TRESOR_FREEZE_AGENT_SELECTOR", d.agentLabelSelector()),
        d.portName(), d.defaultPort(), callTimeout,
        Path.of(value(env, "TRESOR_FREEZE_TOKEN_FILE", d.tokenFile().toString())), ca == null ? null : Path.of(ca),
        value(env, TLS_SERVER_NAME_ENV, serviceName(namespace)));
  }

  // manifests often carry a variable with an empty value to show it exists: that means unset
  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  public FreezeClientConfig withTokenFile(Path file) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, file, caFile,
        tlsServerName);
  }

  public FreezeClientConfig withCallTimeout(Duration timeout) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, timeout, tokenFile, caFile,
        tlsServerName);
  }

  /** TLS to agents whose certificates the CA bundle signs for the server name. */
  public FreezeClientConfig withTls(Path ca, String serverName) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, tokenFile, ca,
        serverName);
  }
}
