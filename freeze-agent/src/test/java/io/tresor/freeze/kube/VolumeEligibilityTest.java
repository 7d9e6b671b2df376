package io.tresor.freeze.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumeEligibilityTest {
  private static final String UID = "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f";
  private static final VolumeFacts PV = new VolumeFacts("pv1", "ebs.csi.aws.com", "tenant", "data", "Filesystem");
  private static final PodFacts POD =
      new PodFacts(UID, "tenant", "app-0", "node-a", Map.of("app", "db"), Set.of("data", "other"));
  private final VolumeEligibility rules = new VolumeEligibility("node-a", Set.of("ebs.csi.aws.com"));

  private Optional<String> code(Optional<VolumeFacts> pv, Optional<PodFacts> pod) {
    return rules.check("tenant", "data", "pv1", pv, List.of(UID), List.of(pod)).map(VolumeEligibility.Refusal::code);
  }

  @Test
  void aCsiFilesystemVolumeMountedByThePodOnThisNodeIsEligible() {
    assertThat(code(Optional.of(PV), Optional.of(POD))).isEmpty();
  }

  @Test
  void table() {
    record Row(Optional<VolumeFacts> pv, Optional<PodFacts> pod, String code) {}
    List<Row> rows = List.of(
        new Row(Optional.empty(), Optional.of(POD), "pv-not-found"),
        new Row(Optional.of(new VolumeFacts("pv1", "", "tenant", "data", "Filesystem")), Optional.of(POD), "not-csi"),
        new Row(Optional.of(new VolumeFacts("pv1", "nfs.csi.k8s.io", "tenant", "data", "Filesystem")),
            Optional.of(POD), "driver-not-allowed"),
        new Row(Optional.of(new VolumeFacts("pv1", "ebs.csi.aws.com", "tenant", "data", "Block")), Optional.of(POD),
            "block-volume"),
        new Row(Optional.of(new VolumeFacts("pv1", "ebs.csi.aws.com", "victim", "data", "Filesystem")),
            Optional.of(POD), "pv-not-bound-to-pvc"),
        // another pod's UID: not found in the request's namespace
        new Row(Optional.of(PV), Optional.empty(), "pod-mismatch"),
        new Row(Optional.of(PV), Optional.of(new PodFacts(UID, "tenant", "p", "node-a", Map.of(), Set.of("x"))),
            "pod-mismatch"),
        new Row(Optional.of(PV), Optional.of(new PodFacts(UID, "tenant", "p", "node-b", Map.of(), Set.of("data"))),
            "pod-mismatch"),
        new Row(Optional.of(PV), Optional.of(new PodFacts(UID, "tenant", "virt-launcher-vm1-abcde", "node-a",
            Map.of("kubevirt.io", "virt-launcher"), Set.of("data"))), "virt-launcher"));
    for (Row r : rows) {
      assertThat(code(r.pv(), r.pod())).as(r.toString()).contains(r.code());
    }
  }

  @Test
  void anEmptyDriverAllowListAllowsAnyCsiDriverAndNoPodIsRefused() {
    VolumeEligibility any = new VolumeEligibility("", Set.of());
    VolumeFacts other = new VolumeFacts("pv1", "rbd.csi.ceph.com", "tenant", "data", "Filesystem");
    assertThat(any.check("tenant", "data", "pv1", Optional.of(other), List.of(UID), List.of(Optional.of(POD))))
        .isEmpty();
    assertThat(any.check("tenant", "data", "pv1", Optional.of(other), List.of(), List.of()))
        .map(VolumeEligibility.Refusal::code).contains("no-pod");
  }
}
