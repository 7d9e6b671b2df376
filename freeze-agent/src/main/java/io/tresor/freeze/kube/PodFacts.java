package io.tresor.freeze.kube;

import java.util.Map;
import java.util.Set;

/** What the agent needs to know about a pod named in a Freeze call. */
public record PodFacts(String uid, String namespace, String name, String nodeName, Map<String, String> labels,
                       Set<String> claimNames) {

  public PodFacts {
    labels = Map.copyOf(labels);
    claimNames = Set.copyOf(claimNames);
  }
}
