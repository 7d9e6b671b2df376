package io.tresor.freeze.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the freeze agents run, how long a call may take and how the connection is secured. Defaults match
 * {@code deploy/freeze-agent}: namespace {@code tresor}, label {@code app.kubernetes.io/name=tresor-freeze-agent},
 * container port {@code grpc} (9443 when the pod does not name it); TLS as {@link #fromEnvironment} resolves it.
 *
 * @param tls the TLS setting as configured ({@code TRESOR_FREEZE_AGENT_TLS})
 * @param caFile PEM bundle of the CA(s) that sign the agents' serving certificates, as resolved from the setting;
 *     null = plaintext
 * @param serviceCaFile where {@code auto} looks for OpenShift's service CA (the pod's service-account volume)
 * @param tlsServerName the DNS name the agents' certificates must carry (checked instead of the pod IP dialled)
 */
public record FreezeClientConfig(String agentNamespace, String agentLabelSelector, String portName, int defaultPort,
                                 Duration callTimeout, Path tokenFile, TlsMode tls, Path caFile, Path serviceCaFile,
                                 String tlsServerName) {

  public static final String DEFAULT_NAMESPACE = "tresor";
  public static final String DEFAULT_SELECTOR = "app.kubernetes.io/name=tresor-freeze-agent";
  public static final Path IN_CLUSTER_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
  /**
   * OpenShift 4 projects its service CA bundle (the CA of every service serving certificate) into each pod's
   * service-account volume; absent on other Kubernetes distributions.
   */
  public static final Path IN_CLUSTER_SERVICE_CA =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt");
  public static final String TLS_ENV = "TRESOR_FREEZE_AGENT_TLS";
  public static final String CA_FILE_ENV = "TRESOR_FREEZE_AGENT_CA_FILE";
  public static final String TLS_SERVER_NAME_ENV = "TRESOR_FREEZE_AGENT_TLS_SERVER_NAME";

  /** {@code TRESOR_FREEZE_AGENT_TLS}: whether agent calls use TLS. */
  public enum TlsMode {
    /** TLS when a CA bundle is found (the variable, else OpenShift's service CA), else plaintext. */
    AUTO,
    /** TLS; no CA bundle found is a configuration error. */
    ON,
    /** Plaintext, for agents that do not serve TLS. */
    OFF;

    /** The setting's value as written in the environment. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FreezeClientConfig {
    Objects.requireNonNull(agentNamespace, "agentNamespace");
    Objects.requireNonNull(agentLabelSelector, "agentLabelSelector");
    Objects.requireNonNull(portName, "portName");
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(serviceCaFile, "serviceCaFile");
    Objects.requireNonNull(tlsServerName, "tlsServerName");
    if (tls == TlsMode.ON && caFile == null) {
      throw new IllegalArgumentException("TLS on needs a CA file");
    }
    if (tls == TlsMode.OFF && caFile != null) {
      throw new IllegalArgumentException("TLS off takes no CA file");
    }
  }

  /**
   * The deployment's defaults with the given call timeout, without looking at the file system: plaintext, as
   * {@code auto} is where no CA bundle exists. In a pod use {@link #fromEnvironment}, which looks for the service CA.
   */
  public static FreezeClientConfig defaults(Duration callTimeout) {
    return new FreezeClientConfig(DEFAULT_NAMESPACE, DEFAULT_SELECTOR, "grpc", 9443, callTimeout, IN_CLUSTER_TOKEN,
        TlsMode.AUTO, null, IN_CLUSTER_SERVICE_CA, serviceName(DEFAULT_NAMESPACE));
  }

  /**
   * The name of a service-serving certificate for the agent's Service {@code tresor-freeze-agent} in the namespace
   * (what OpenShift's service CA puts in the certificate's subjectAltName).
   */
  public static String serviceName(String namespace) {
    return "tresor-freeze-agent." + namespace + ".svc";
  }

  /** {@link #fromEnvironment(Map, Duration, Path)} with the service CA where OpenShift projects it. */
  public static FreezeClientConfig fromEnvironment(Map<String, String> env, Duration callTimeout) {
    return fromEnvironment(env, callTimeout, IN_CLUSTER_SERVICE_CA);
  }

  /**
   * The defaults, overridden by {@code TRESOR_FREEZE_AGENT_NAMESPACE}, {@code TRESOR_FREEZE_AGENT_SELECTOR},
   * {@code TRESOR_FREEZE_TOKEN_FILE}, {@code TRESOR_FREEZE_AGENT_TLS_SERVER_NAME} (default
   * {@code tresor-freeze-agent.<namespace>.svc}) when set and not blank, and TLS resolved from
   * {@code TRESOR_FREEZE_AGENT_TLS} ({@code auto} when unset) and {@code TRESOR_FREEZE_AGENT_CA_FILE}:
   * {@code auto} trusts the CA file if set, else {@code serviceCaFile} if it exists, else calls in plaintext;
   * {@code on} is the same without the plaintext; {@code off} is plaintext. The CA bundle is read when the client is
   * created ({@link FreezeClient#create}).
   *
   * @param serviceCaFile where {@code auto} and {@code on} look for the service CA (a parameter for tests)
   * @throws IllegalArgumentException an unknown {@code TRESOR_FREEZE_AGENT_TLS}, {@code on} without a CA bundle, or
   *     {@code off} with a CA file
   */
  public static FreezeClientConfig fromEnvironment(Map<String, String> env, Duration callTimeout,
                                                   Path serviceCaFile) {
    FreezeClientConfig d = defaults(callTimeout);
    String namespace = value(env, "TRESOR_FREEZE_AGENT_NAMESPACE", d.agentNamespace());
    String caVariable = value(env, CA_FILE_ENV, null);
    TlsMode mode = mode(value(env, TLS_ENV, null));
    Path ca = switch (mode) {
      case OFF -> {
        if (caVariable != null) {
          throw new IllegalArgumentException(TLS_ENV + "=off and " + CA_FILE_ENV + "=" + caVariable
              + " contradict each other: off calls the agents in plaintext and trusts no CA. Unset " + CA_FILE_ENV
              + " to call in plaintext, or unset " + TLS_ENV + " (auto) to call over TLS trusting that file");
        }
        yield null;
      }
      case ON, AUTO -> {
        if (caVariable != null) {
          yield Path.of(caVariable);
        }
        // plaintext only when the file certainly does not exist: one that is there but unreadable or broken (or
        // whose existence cannot be checked) fails when the client is created, it never downgrades the calls
        if (!Files.notExists(serviceCaFile)) {
          yield serviceCaFile;
        }
        if (mode == TlsMode.ON) {
          throw new IllegalArgumentException(TLS_ENV + "=on but no CA bundle to trust: " + CA_FILE_ENV
              + " is unset and " + serviceCaFile + " (OpenShift's service CA in the pod's service-account volume) "
              + "does not exist. Set " + CA_FILE_ENV + " to the PEM bundle of the CA that signs the agents' "
              + "certificates, or " + TLS_ENV + "=off for agents that serve plaintext");
        }
        yield null;
      }
    };
    return new FreezeClientConfig(namespace, value(env, "TRESOR_FREEZE_AGENT_SELECTOR", d.agentLabelSelector()),
        d.portName(), d.defaultPort(), callTimeout,
        Path.of(value(env, "TRESOR_FREEZE_TOKEN_FILE", d.tokenFile().toString())), mode, ca, serviceCaFile,
        value(env, TLS_SERVER_NAME_ENV, serviceName(namespace)));
  }

  private static TlsMode mode(String value) {
    if (value == null) {
      return TlsMode.AUTO;
    }
    for (TlsMode m : TlsMode.values()) {
      if (m.value().equalsIgnoreCase(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(TLS_ENV + "=" + value + " is not a TLS setting; set it to auto (the default: "
        + "TLS when a CA bundle is found), on (TLS, a CA bundle required) or off (plaintext), or leave it unset");
  }

  // manifests often carry a variable with an empty value to show it exists: that means unset
  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /** Whether the CA bundle is the service CA that {@code auto}/{@code on} found in the service-account volume. */
  public boolean caFromServiceAccount() {
    return caFile != null && caFile.equals(serviceCaFile);
  }

  public FreezeClientConfig withTokenFile(Path file) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, file, tls,
        caFile, serviceCaFile, tlsServerName);
  }

  public FreezeClientConfig withCallTimeout(Duration timeout) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, timeout, tokenFile, tls,
        caFile, serviceCaFile, tlsServerName);
  }

  /** TLS ({@code on}) to agents whose certificates the CA bundle signs for the server name. */
  public FreezeClientConfig withTls(Path ca, String serverName) {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, tokenFile,
        TlsMode.ON, Objects.requireNonNull(ca, "ca"), serviceCaFile, serverName);
  }

  /** Plaintext by choice ({@code off}), for agents that do not serve TLS. */
  public FreezeClientConfig withTlsOff() {
    return new FreezeClientConfig(agentNamespace, agentLabelSelector, portName, defaultPort, callTimeout, tokenFile,
        TlsMode.OFF, null, serviceCaFile, tlsServerName);
  }
}
