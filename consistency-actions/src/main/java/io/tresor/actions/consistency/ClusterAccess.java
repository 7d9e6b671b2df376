package io.tresor.actions.consistency;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tresor.freeze.client.AgentUnavailableException;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.freeze.client.FreezeClientConfig;
import io.tresor.freeze.client.VolumeUsers;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster and the freeze agents as the actions reach them. Created on first use: Velero starts the plugin
 * for every backup and restore, and most of those runs never need a cluster client.
 */
public final class ClusterAccess {
  /** Agent calls are on the backup's critical path, and the agent answers in milliseconds. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  static final String SETUP_FAILED = "tresor's freeze client could not be set up (the configuration problem is "
      + "logged once per plugin process)";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAccess.class);
  /**
   * The configuration problems this process has warned about. Velero counts every warn line of a backup, and the
   * problem is the same for every item: one warn line per process and problem, whatever creates the ClusterAccess.
   */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /** The freeze client could not be set up: the problem was logged once, so callers log about their item at debug. */
  static final class SetupFailed extends AgentUnavailableException {
    private static final long serialVersionUID = 1L;

    SetupFailed() {
      super(SETUP_FAILED);
    }
  }

  private final Supplier<KubernetesClient> clientFactory;
  private final FreezeClientConfig config;
  private volatile KubernetesClient client;
  private volatile FreezeClient freeze;
  /** Why the freeze client could not be created (logged once); null = not tried yet or created. */
  private String setupFailure;
  /** Whether this instance has logged its setup failure (the first instance with a problem warns, others debug). */
  private boolean reported;
  private final java.util.concurrent.atomic.AtomicBoolean warming = new java.util.concurrent.atomic.AtomicBoolean();

  public ClusterAccess(Supplier<KubernetesClient> clientFactory, FreezeClientConfig config) {
    this(clientFactory, config, null);
  }

  private ClusterAccess(Supplier<KubernetesClient> clientFactory, FreezeClientConfig config, String setupFailure) {
    this.clientFactory = clientFactory;
    this.config = config;
    this.setupFailure = setupFailure;
  }

  /** In-cluster (or KUBECONFIG) access with the Velero pod's service-account token. */
  public static ClusterAccess fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Access with the freeze-client settings of {@code env}. Settings it refuses (e.g. {@code TRESOR_FREEZE_AGENT_TLS}
   * with an unknown value) do not stop the plugin, which serves other actions too: they are reported as a freeze
   * client that cannot be set up ({@link #freeze()}), and the agents are looked for where the defaults say.
   */
  static ClusterAccess fromEnvironment(Map<String, String> env) {
    Supplier<KubernetesClient> kube = () -> new KubernetesClientBuilder().build();
    try {
      return new ClusterAccess(kube, FreezeClientConfig.fromEnvironment(env, CALL_TIMEOUT));
    } catch (IllegalArgumentException e) {
      return new ClusterAccess(kube, FreezeClientConfig.defaults(CALL_TIMEOUT), e.getMessage());
    }
  }

  /**
   * Starts creating the clients on a daemon thread, once. Called from AppliesTo, which Velero asks when a backup
   * starts, long before the first item: the ~1-2 s of class loading and set-up then never delay an item.
   */
  public void warmUp() {
    if (warming.compareAndSet(false, true)) {
      Thread t = new Thread(() -> {
        try {
          try {
            freeze();
          } catch (AgentUnavailableException e) {
            // freeze() logged the configuration problem once; the cluster client is still worth warming
          }
          // one real request sets up the HTTP client, TLS and JSON decoding before the first item needs them
          kube().pods().inNamespace(config.agentNamespace()).withLabelSelector(config.agentLabelSelector()).list();
        } catch (RuntimeException e) {
          // the first real use reports the problem where it matters: on an item
        }
      }, "tresor-cluster-warm-up");
      t.setDaemon(true);
      t.start();
    }
  }

  public synchronized KubernetesClient kube() {
    if (client == null) {
      client = clientFactory.get();
    }
    return client;
  }

  /**
   * The freeze client, created once. A configuration it cannot be created from (a CA bundle that is missing, empty or
   * not PEM, a refused TLS setting) is one warn line per process and problem, and from then on every caller sees the
   * agents as unavailable ({@link SetupFailed}): the actions then record "unknown" instead of failing the item
   * (Velero would leave a failed item out of the backup).
   */
  public synchronized FreezeClient freeze() throws AgentUnavailableException {
    if (freeze == null && setupFailure == null) {
      KubernetesClient kube = kube();
      try {
        freeze = FreezeClient.create(kube, config);
      } catch (IllegalArgumentException e) {
        setupFailure = e.getMessage();
      }
    }
    if (freeze == null) {
      if (!reported) {
        reported = true;
        boolean first = WARNED.add(setupFailure);
        (first ? LOG.atWarn() : LOG.atDebug()).log("tresor cannot call the freeze agents: {}; until the plugin "
            + "restarts with a fixed configuration, snapshots are not thawed by tresor (a freeze thaws by itself when "
            + "its lease ends) and their consistency is recorded as unknown (logged per item at debug level only)",
            setupFailure);
      }
      throw new SetupFailed();
    }
    return freeze;
  }

  public VolumeUsers volumeUsers() {
    return new VolumeUsers(kube());
  }
}
