package io.tresor.freeze.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;

/**
 * fabric8's mock API server in CRUD mode on loopback, plus a TokenReview answer (CRUD mode only
 * echoes created objects) that knows two tokens: Velero's and a tenant's.
 */
final class MockCluster implements AutoCloseable {
  static final String VELERO = "system:serviceaccount:openshift-adp:velero";
  static final String VELERO_TOKEN = "velero-token-e2e";
  static final String TENANT_TOKEN = "tenant-token-e2e";
  static final String NODE = "node-a";
  static final String DRIVER = "ebs.csi.aws.com";
  static final ResourceDefinitionContext VS = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
      .withPlural("volumesnapshots").withNamespaced(true).build();
  static final ResourceDefinitionContext VSC = new ResourceDefinitionContext.Builder()
      .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
      .withPlural("volumesnapshotcontents").withNamespaced(false).build();

  static final ResourceDefinitionContext VGS = new ResourceDefinitionContext.Builder()
      .withGroup("groupsnapshot.storage.k8s.io").withVersion("v1beta1").withKind("VolumeGroupSnapshot")
      .withPlural("volumegroupsnapshots").withNamespaced(true).build();
  static final ResourceDefinitionContext VGSC = new ResourceDefinitionContext.Builder()
      .withGroup("groupsnapshot.storage.k8s.io").withVersion("v1beta1").withKind("VolumeGroupSnapshotContent")
      .withPlural("volumegroupsnapshotcontents").withNamespaced(false).build();

  final KubernetesMockServer server;
  final KubernetesClient client;

  MockCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(201, request -> review(request.getUtf8Body())).always();
    client = server.createClient();
  }

  String url() {
    return server.url("/");
  }

  private static TokenReview review(String body) {
    TokenReview review = Serialization.unmarshal(body, TokenReview.class);
    String token = review.getSpec().getToken();
    String user = VELERO_TOKEN.equals(token) ? VELERO
        : TENANT_TOKEN.equals(token) ? "system:serviceaccount:tenant:default" : null;
    review.setStatus(user == null ? new TokenReviewStatusBuilder().withAuthenticated(false).build()
        : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user).endUser().build());
    return review;
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

  /** The snapshot controller binds the snapshot to a new content (no handle yet). */
  String bindContent(GenericKubernetesResource vs) {
    String content = "snapcontent-" + vs.getMetadata().getUid();
    GenericKubernetesResource vsc = new GenericKubernetesResource();
    vsc.setApiVersion("snapshot.storage.k8s.io/v1");
    vsc.setKind("VolumeSnapshotContent");
    vsc.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(content).build());
    vsc.setAdditionalProperty("spec", Map.of("driver", DRIVER, "deletionPolicy", "Retain",
        "volumeSnapshotRef", Map.of("namespace", vs.getMetadata().getNamespace(), "name",
            vs.getMetadata().getName(), "uid", vs.getMetadata().getUid())));
    client.genericKubernetesResources(VSC).resource(vsc).create();
    GenericKubernetesResource current = client.genericKubernetesResources(VS)
        .inNamespace(vs.getMetadata().getNamespace()).withName(vs.getMetadata().getName()).get();
    current.setAdditionalProperty("status", Map.of("boundVolumeSnapshotContentName", content, "readyToUse", false));
    client.genericKubernetesResources(VS).inNamespace(vs.getMetadata().getNamespace()).resource(current).update();
    return content;
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

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
