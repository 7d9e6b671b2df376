package io.tresor.freeze.client;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The pods of a namespace that mount a PVC, grouped by the node they run on: where a freeze can be held. */
public final class VolumeUsers {
  private final KubernetesClient client;

  public VolumeUsers(KubernetesClient client) {
    this.client = client;
  }

  /** Running, scheduled pods mounting the PVC, by node name (sorted, for stable messages). */
  public Map<String, List<Pod>> runningByNode(String namespace, String pvc) {
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> mounts(p, pvc))
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty())
        .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), TreeMap::new, Collectors.toList()));
  }

  /** True when one of the pod's volumes is the PVC. */
  public static boolean mounts(Pod pod, String pvc) {
    return pod.getSpec() != null && pod.getSpec().getVolumes() != null && pod.getSpec().getVolumes().stream()
        .anyMatch(v -> v.getPersistentVolumeClaim() != null && pvc.equals(v.getPersistentVolumeClaim().getClaimName()));
  }
}
