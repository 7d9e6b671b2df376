package io.tresor.freeze.kube;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterView} through the Kubernetes API: pods from a cache of this node's pods (an
 * informer indexed by UID, so a Freeze call costs no pod request), else a list of the namespace;
 * PVs by a get.
 */
public final class KubeClusterView implements ClusterView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeClusterView.class);
  private static final String BY_UID = "uid";

  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> nodePods;

  /** @param nodeName this node: its pods are cached; empty = no cache, always list */
  public KubeClusterView(KubernetesClient client, String nodeName) {
    this.client = client;
    SharedIndexInformer<Pod> informer = null;
    if (!nodeName.isEmpty()) {
      informer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
      informer.addIndexers(Map.of(BY_UID, p -> List.of(p.getMetadata().getUid())));
      // not awaited: until it has synced (or if it never does) lookups fall back to lists
      informer.start().whenComplete((ok, e) -> {
        if (e != null) {
          LOG.warn("cache of this node's pods is unavailable, listing instead: {}", e.toString());
        }
      });
    }
    this.nodePods = informer;
  }

  @Override
  public Optional<PodFacts> pod(String namespace, String uid) {
    if (nodePods != null && nodePods.hasSynced()) {
      List<Pod> cached = nodePods.getIndexer().byIndex(BY_UID, uid);
      if (!cached.isEmpty()) {
        Pod p = cached.get(0);
        return namespace.equals(p.getMetadata().getNamespace()) ? Optional.of(facts(p)) : Optional.empty();
      }
    }
    // Not (yet) cached: ask the API, by UID within the namespace (a tenant namespace has few pods).
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

  @Override
  public void close() {
    if (nodePods != null) {
      nodePods.close();
    }
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
