package io.tresor.freeze.client.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tresor.freeze.testing.MockApiServer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shared mock API server seeded the way a cluster with tresor looks: tenant PVCs, CSI PVs, running pods, freeze
 * agent pods, Velero's VolumeSnapshots. TokenReviews know three tokens: Velero's, the webhook's and a tenant's.
 */
public final class TestCluster extends MockApiServer {
  public static final String WEBHOOK = "system:serviceaccount:tresor:tresor-webhook";
  public static final String VELERO_TOKEN = "velero-token-consistency";
  public static final String WEBHOOK_TOKEN = "webhook-token-consistency";
  public static final String TENANT_TOKEN = "tenant-token-consistency";

  public TestCluster() {
    super(Map.of(VELERO_TOKEN, VELERO, WEBHOOK_TOKEN, WEBHOOK, TENANT_TOKEN, TENANT));
  }

  /** A freeze agent pod of the DaemonSet on the node, listening on loopback at the given port. */
  public void agentPod(String node, int port) {
    client.resource(new PodBuilder().withNewMetadata().withNamespace("tresor").withName("tresor-freeze-agent-" + node)
        .withLabels(Map.of("app.kubernetes.io/name", "tresor-freeze-agent")).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("agent").withImage("tresor-freeze-agent:dev")
        .addNewPort().withName("metrics").withContainerPort(9090).endPort()
        .addNewPort().withName("grpc").withContainerPort(port).endPort().endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
  }

  /** A bound CSI filesystem PVC with its PV. */
  public void boundPvc(String namespace, String pvc, String pv) {
    client.resource(new PersistentVolumeBuilder().withNewMetadata().withName(pv).endMetadata()
        .withNewSpec().withNewCsi().withDriver(DRIVER).withVolumeHandle("vol-" + pv).withFsType("ext4").endCsi()
        .withNewClaimRef().withNamespace(namespace).withName(pvc).endClaimRef().withVolumeMode("Filesystem")
        .addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce").endSpec()
        .withNewStatus().withPhase("Bound").endStatus().build()).create();
    client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(namespace).withName(pvc)
        .withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withVolumeName(pv).withVolumeMode("Filesystem").withAccessModes("ReadWriteOnce")
        .withStorageClassName("gp3-csi").withNewResources().addToRequests("storage", new Quantity("1Gi"))
        .endResources().endSpec().withNewStatus().withPhase("Bound").endStatus().build()).create();
  }

  /** A running pod on the node that mounts the PVCs (volume names = PVC names); returns it as stored. */
  public Pod runningPod(String namespace, String name, String node, String... pvcs) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).withLabels(Map.of("app", "db")).endMetadata()
        .withNewSpec().withNodeName(node).withServiceAccountName("default").endSpec();
    for (String pvc : pvcs) {
      b.editSpec().addNewVolume().withName(pvc).withNewPersistentVolumeClaim().withClaimName(pvc)
          .endPersistentVolumeClaim().endVolume().endSpec();
    }
    b.editSpec().addNewContainer().withName("db").withImage("registry.example/db:16").endContainer()
        .addNewVolume().withName("kube-api-access").withNewProjected().endProjected().endVolume().endSpec();
    b.withNewStatus().withPhase("Running").withPodIP("10.128.2.17").endStatus();
    return client.resource(b.build()).create();
  }

  /** A VolumeSnapshot as Velero's CSI PVC action creates it for a backup; returns it as stored. */
  public GenericKubernetesResource veleroSnapshot(String namespace, String name, String pvc, String backup) {
    GenericKubernetesResource vs = new GenericKubernetesResource();
    vs.setApiVersion("snapshot.storage.k8s.io/v1");
    vs.setKind("VolumeSnapshot");
    vs.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString())
        .withLabels(Map.of("velero.io/backup-name", backup, "velero.io/backup-uid", UUID.randomUUID().toString()))
        .build());
    vs.setAdditionalProperty("spec", Map.of("source", Map.of("persistentVolumeClaimName", pvc),
        "volumeSnapshotClassName", "csi-snapclass"));
    return client.genericKubernetesResources(VS).inNamespace(namespace).resource(vs).create();
  }

  /** The snapshot controller and the CSI driver cut it: content bound, handle and creation time set. */
  public String cut(GenericKubernetesResource vs, Instant creationTime) {
    String content = bindContent(vs);
    GenericKubernetesResource stored = client.genericKubernetesResources(VSC).withName(content).get();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("snapshotHandle", "snap-0f1e2d3c4b5a69788");
    status.put("creationTime", creationTime.getEpochSecond() * 1_000_000_000L + creationTime.getNano());
    status.put("readyToUse", true);
    status.put("restoreSize", 1073741824L);
    stored.setAdditionalProperty("status", status);
    client.genericKubernetesResources(VSC).resource(stored).update();
    return content;
  }
}
