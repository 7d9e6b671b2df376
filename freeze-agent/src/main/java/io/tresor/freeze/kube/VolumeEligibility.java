package io.tresor.freeze.kube;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * May the agent freeze this PV for these pods at all? Pure rules over cluster facts.
 *
 * <p>The caller is authenticated, but the agent still checks what it is told: each pod must exist
 * in the request's namespace with that UID, run on this node and mount the PVC, and the PV must be
 * a CSI filesystem volume bound to that PVC from an allowed driver. KubeVirt's virt-launcher pods
 * are skipped: KubeVirt freezes its guests through the guest agent, and a host-side freeze of the
 * disk image's filesystem would not quiesce the guest.
 */
public final class VolumeEligibility {
  /** Why not, as a stable code and a sentence for the tenant. */
  public record Refusal(String code, String reason) {}

  private final String nodeName;
  private final Set<String> allowedDrivers;

  /** @param nodeName this node, or empty to skip that check; @param allowedDrivers empty = any CSI driver */
  public VolumeEligibility(String nodeName, Set<String> allowedDrivers) {
    this.nodeName = nodeName == null ? "" : nodeName;
    this.allowedDrivers = Set.copyOf(allowedDrivers);
  }

  public Optional<Refusal> check(String namespace, String pvc, String pv, Optional<VolumeFacts> volume,
                                 List<String> podUids, List<Optional<PodFacts>> pods) {
    if (volume.isEmpty()) {
      return refuse("pv-not-found", "PV " + pv + " does not exist");
    }
    VolumeFacts v = volume.get();
    if (v.csiDriver().isEmpty()) {
      return refuse("not-csi", "PV " + pv + " is not a CSI volume");
    }
    if (!allowedDrivers.isEmpty() && !allowedDrivers.contains(v.csiDriver())) {
      return refuse("driver-not-allowed", "CSI driver " + v.csiDriver() + " is not in the agent's allow-list");
    }
    if ("Block".equals(v.volumeMode())) {
      return refuse("block-volume", "PV " + pv + " is a raw block volume, there is no filesystem to freeze");
    }
    if (!namespace.equals(v.claimNamespace()) || !pvc.equals(v.claimName())) {
      return refuse("pv-not-bound-to-pvc", "PV " + pv + " is not bound to " + namespace + "/" + pvc);
    }
    if (podUids.isEmpty()) {
      return refuse("no-pod", "no running pod mounts the volume on this node");
    }
    for (int i = 0; i < podUids.size(); i++) {
      Optional<PodFacts> pod = pods.get(i);
      if (pod.isEmpty()) {
        return refuse("pod-mismatch", "no pod with UID " + podUids.get(i) + " in namespace " + namespace);
      }
      PodFacts p = pod.get();
      if (!p.claimNames().contains(pvc)) {
        return refuse("pod-mismatch", "pod " + p.name() + " does not mount PVC " + pvc);
      }
      if (!nodeName.isEmpty() && !nodeName.equals(p.nodeName())) {
        return refuse("pod-mismatch", "pod " + p.name() + " runs on node " + p.nodeName() + ", not " + nodeName);
      }
      if ("virt-launcher".equals(p.labels().get("kubevirt.io"))) {
        return refuse("virt-launcher", "pod " + p.name() + " is a KubeVirt VM: KubeVirt freezes its guest itself");
      }
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(String code, String reason) {
    return Optional.of(new Refusal(code, reason));
  }
}
