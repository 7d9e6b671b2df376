package io.tresor.freeze.client;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the freeze agent of a node: the agent DaemonSet's pod (by label) whose {@code spec.nodeName} is that
 * node, running, ready and with a pod IP. The agent is reached by pod IP because it only freezes on its own node.
 */
public final class AgentLocator {
  private final KubernetesClient client;
  private final FreezeClientConfig config;

  public AgentLocator(KubernetesClient client, FreezeClientConfig config) {
    this.client = client;
    this.config = config;
  }

  /** The agent serving the node, or an explanation of why there is none. */
  public AgentEndpoint onNode(String node) throws AgentUnavailableException {
    if (node == null || node.isEmpty()) {
      throw new AgentUnavailableException("the pod is not scheduled to a node");
    }
    java.util.List<Pod> pods;
    try {
      // one pod per node: listing the DaemonSet's pods by label and picking the node here is cheap enough
      pods = client.pods().inNamespace(config.agentNamespace()).withLabelSelector(config.agentLabelSelector())
          .list().getItems();
    } catch (KubernetesClientException e) {
      throw new AgentUnavailableException("cannot list freeze agent pods in namespace " + config.agentNamespace()
          + ": " + e.getMessage(), e);
    }
    Optional<Pod> agent = pods.stream()
        .filter(p -> node.equals(p.getSpec() == null ? null : p.getSpec().getNodeName()))
        .filter(AgentLocator::serving)
        .max(Comparator.comparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")));
    if (agent.isEmpty()) {
      throw new AgentUnavailableException("no ready freeze agent pod (" + config.agentLabelSelector() + " in namespace "
          + config.agentNamespace() + ") on node " + node);
    }
    Pod p = agent.get();
    return new AgentEndpoint(node, p.getMetadata().getName(), p.getStatus().getPodIP(), port(p));
  }

  private static boolean serving(Pod p) {
    if (p.getStatus() == null || p.getStatus().getPodIP() == null || p.getStatus().getPodIP().isEmpty()) {
      return false;
    }
    if (p.getMetadata().getDeletionTimestamp() != null || !"Running".equals(p.getStatus().getPhase())) {
      return false;
    }
    // a pod without conditions (not reported yet) is tried; one reported not ready is not
    return p.getStatus().getConditions() == null || p.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).allMatch(c -> "True".equals(c.getStatus()));
  }

  private int port(Pod p) {
    return p.getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.<ContainerPort>empty() : c.getPorts().stream())
        .filter(cp -> config.portName().equals(cp.getName()) && cp.getContainerPort() != null)
        .map(ContainerPort::getContainerPort).findFirst().orElse(config.defaultPort());
  }
}
