package io.tresor.freeze.kube;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link ClusterView} through the Kubernetes API (pods list, persistentvolumes get). */
public final class KubeClusterView implements ClusterView {
  private final KubernetesClient client;

  public KubeClusterView(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<PodFacts> pod(String namespace, String uid) {
    // Pods are looked up by UID: list the namespace (a tenant namespace has few pods).
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> uid.equals(p.getMetadata().getUid()))
        .findFirst()
        .map(KubeClusterView::facts);
  }

  @Override
  public Optional<VolumeFacts> volume(String pvName) {
    PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
    if (pv == null) {
      return Optional.empty();
    }
    var spec = pv.getSpec();
    String driver = spec.getCsi() != null && spec.getCsi().getDriver() != null ? spec.getCsi().getDriver() : "";
    String claimNs = spec.getClaimRef() != null ? nz(spec.getClaimRef().getNamespace()) : "";
    String claim = spec.getClaimRef() != null ? nz(spec.getClaimRef().getName()) : "";
    String mode = spec.getVolumeMode() == null ? "Filesystem" : spec.getVolumeMode();
    return Optional.of(new VolumeFacts(pvName, driver, claimNs, claim, mode));
  }

  private static PodFacts facts(Pod p) {
    Set<String> claims = new HashSet<>();
    if (p.getSpec() != null && p.getSpec().getVolumes() != null) {
      for (Volume v : p.getSpec().getVolumes()) {
        if (v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName() != null) {
          claims.add(v.getPersistentVolumeClaim().getClaimName());
        }
      }
    }
    Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
    String node = p.getSpec() == null ? "" : nz(p.getSpec().getNodeName());
    return new PodFacts(p.getMetadata().getUid(), p.getMetadata().getNamespace(), p.getMetadata().getName(), node,
        labels, claims);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
