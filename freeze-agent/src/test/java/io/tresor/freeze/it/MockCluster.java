package io.tresor.freeze.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tresor.freeze.testing.MockApiServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shared mock API server seeded for the agent's end-to-end tests: pods on {@link #NODE}, CSI PVs, Velero's
 * VolumeSnapshots and VolumeGroupSnapshots; TokenReviews know two tokens: Velero's and a tenant's.
 */
final class MockCluster extends MockApiServer {
  static final String VELERO_TOKEN = "velero-token-e2e";
  static final String TENANT_TOKEN = "tenant-token-e2e";
  static final String NODE = "node-a";

  static final ResourceDefinitionContext VGS = new ResourceDefinitionContext.Builder()
      .withGroup("groupsnapshot.storage.k8s.io").withVersion("v1beta1").withKind("VolumeGroupSnapshot")
      .withPlural("volumegroupsnapshots").withNamespaced(true).build();
  static final ResourceDefinitionContext VGSC = new ResourceDefinitionContext.Builder()
      .withGroup("groupsnapshot.storage.k8s.io").withVersion("v1beta1").withKind("VolumeGroupSnapshotContent")
      .withPlural("volumegroupsnapshotcontents").withNamespaced(false).build();

  MockCluster() {
    super(Map.of(VELERO_TOKEN, VELERO, TENANT_TOKEN, TENANT));
  }

  /** A running pod on {@link #NODE} that mounts the PVC; returns its UID. */
  String pod(String namespace, String name, String pvc, Map<String, String> labels) {
    Pod pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(NODE)
        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(pvc).endPersistentVolumeClaim()
        .endVolume().addNewContainer().withName("app").withImage("registry.example/app:1").endContainer()
        .endSpec().build();
    return client.resource(pod).create().getMetadata().getUid();
  }

  void pv(String name, String namespace, String pvc) {
    client.resource(new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewCsi().withDriver(DRIVER).withVolumeHandle("vol-" + name).endCsi()
        .withNewClaimRef().withNamespace(namespace).withName(pvc).endClaimRef().withVolumeMode("Filesystem")
        .endSpec().build()).create();
  }

  /** A VolumeSnapshot as Velero creates it; returns the stored object (with its UID). */
  GenericKubernetesResource snapshot(String namespace, String name, String pvc, String backup) {
    GenericKubernetesResource vs = new GenericKubernetesResource();
    vs.setApiVersion("snapshot.storage.k8s.io/v1");
    vs.setKind("VolumeSnapshot");
    vs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).withLabels(Map.of("velero.io/backup-name", backup)).build());
    vs.setAdditionalProperty("spec", Map.of("source", Map.of("persistentVolumeClaimName", pvc),
        "volumeSnapshotClassName", "csi-snapclass"));
    return client.genericKubernetesResources(VS).inNamespace(namespace).resource(vs).create();
  }

  /** The CSI driver cut the snapshot: the content gets its handle and creationTime (ns). */
  void cut(String content, long creationTimeNanos) {
    applyCut(prepareCut(content, creationTimeNanos));
  }

  /** The content as it will be after the cut (read now, written by {@link #applyCut}). */
  GenericKubernetesResource prepareCut(String content, long creationTimeNanos) {
    GenericKubernetesResource vsc = client.genericKubernetesResources(VSC).withName(content).get();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("snapshotHandle", "snap-0123456789abcdef");
    status.put("creationTime", creationTimeNanos);
    status.put("readyToUse", false);
    vsc.setAdditionalProperty("status", status);
    return vsc;
  }

  void applyCut(GenericKubernetesResource vsc) {
    client.genericKubernetesResources(VSC).resource(vsc).update();
  }

  /** A VolumeGroupSnapshot as Velero 1.17 creates it (selects its PVCs by label). */
  GenericKubernetesResource groupSnapshot(String namespace, String name, String backup) {
    GenericKubernetesResource g = new GenericKubernetesResource();
    g.setApiVersion("groupsnapshot.storage.k8s.io/v1beta1");
    g.setKind("VolumeGroupSnapshot");
    g.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withLabels(Map.of("velero.io/backup-name", backup)).build());
    g.setAdditionalProperty("spec", Map.of("source", Map.of("selector",
        Map.of("matchLabels", Map.of("velero.io/volume-group", "db"))), "volumeGroupSnapshotClassName", "vgs"));
    return client.genericKubernetesResources(VGS).inNamespace(namespace).resource(g).create();
  }

  /** The group gets its content and the content its group handle, as the snapshot controller does. */
  void cutGroup(GenericKubernetesResource g) {
    String content = "groupsnapcontent-" + g.getMetadata().getUid();
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setApiVersion("groupsnapshot.storage.k8s.io/v1beta1");
    c.setKind("VolumeGroupSnapshotContent");
    c.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(content).build());
    c.setAdditionalProperty("spec", Map.of("driver", DRIVER, "deletionPolicy", "Delete"));
    client.genericKubernetesResources(VGSC).resource(c).create();
    GenericKubernetesResource stored = client.genericKubernetesResources(VGSC).withName(content).get();
    stored.setAdditionalProperty("status", Map.of("volumeGroupSnapshotHandle", "group-0123",
        "creationTime", java.time.Instant.now().toString(), "readyToUse", true));
    client.genericKubernetesResources(VGSC).resource(stored).update();
  }
}
