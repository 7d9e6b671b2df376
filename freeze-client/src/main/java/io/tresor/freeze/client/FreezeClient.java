package io.tresor.freeze.client;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import java.util.List;

/**
 * The freeze agents of a cluster as one client: finds the agent of a node and calls it with the caller's
 * service-account token. Shared by the webhook ({@code /freeze}) and the plugin (thaw, consistency report).
 */
public final class FreezeClient implements AutoCloseable {
  private final AgentLocator locator;
  private final FreezerCalls calls;

  public FreezeClient(AgentLocator locator, FreezerCalls calls) {
    this.locator = locator;
    this.calls = calls;
  }

  /**
   * A client for the cluster behind {@code client}, with the token from the config's file or the client, over TLS
   * when the config resolved a CA bundle ({@link FreezeClientConfig#fromEnvironment}).
   *
   * @throws IllegalArgumentException the config's CA bundle is missing, unreadable or empty
   */
  public static FreezeClient create(KubernetesClient client, FreezeClientConfig config) {
    return new FreezeClient(new AgentLocator(client, config), new FreezerCalls(
        new ServiceAccountToken(config.tokenFile(), client.getConfiguration()), config.callTimeout(), config));
  }

  /** The agent serving a node. */
  public AgentEndpoint agentOn(String node) throws AgentUnavailableException {
    return locator.onNode(node);
  }

  public LeaseStatus freeze(String node, FreezeRequest request) throws AgentUnavailableException {
    return calls.freeze(locator.onNode(node), request);
  }

  public List<LeaseStatus> thaw(String node, SnapshotRef snapshot) throws AgentUnavailableException {
    return calls.thaw(locator.onNode(node), snapshot);
  }

  public List<LeaseStatus> status(String node, SnapshotRef snapshot) throws AgentUnavailableException {
    return calls.status(locator.onNode(node), snapshot);
  }

  /** Every lease the node's agent knows, live or recently ended. */
  public List<LeaseStatus> statusAll(String node) throws AgentUnavailableException {
    return calls.statusAll(locator.onNode(node));
  }

  @Override
  public void close() {
    calls.close();
  }
}
