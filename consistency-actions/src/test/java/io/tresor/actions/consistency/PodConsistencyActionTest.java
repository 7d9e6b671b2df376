package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.logging.LogLevel;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-volume consistency report from the real agent's record: log lines, PVC Events, pod annotation. */
class PodConsistencyActionTest {
  private static ConsistencyBed bed;
  private static PodConsistencyAction action;

  @BeforeAll
  static void start() throws Exception {
    bed = new ConsistencyBed();
    action = new PodConsistencyAction(new ClusterAccess(() -> bed.cluster.client,
        bed.clientConfig(TestCluster.VELERO_TOKEN)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static List<Event> events(String pvc) {
    return bed.cluster.client.v1().events().inNamespace(ConsistencyBed.NS).list().getItems().stream()
        .filter(e -> pvc.equals(e.getInvolvedObject().getName())).toList();
  }

  private static JsonNode volumesAnnotation(BackupItemResult r) throws Exception {
    return Items.JSON.readTree(r.item().path("metadata").path("annotations").path(ConsistencyAnnotations.VOLUMES)
        .asText());
  }

  @Test
  void aVolumeFrozenAtTheCutIsAnInfoLineAndANormalEventOnThePvc() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    String name = "velero-" + v.pvc() + "-fr0zn";
    assertThat(bed.freezeAsWebhook(v, name, "daily-0200", 60).getState()).isEqualTo(LeaseState.FROZEN);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "daily-0200");
    Thread.sleep(50);
    bed.cluster.cut(vs, Instant.now());
    assertThat(v.fs().writable(5000)).as("thawed on the handle").isTrue();

    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = action.execute(Items.request(Items.tree(v.pod()), Items.backup("daily-0200", "")));
      assertThat(log.at("warn")).isEmpty();
      JsonNode line = log.at("info").get(0);
      assertThat(line.path("@message").asText())
          .matches("consistency of volume " + v.pvc() + " \\(PVC shop/" + v.pvc() + "\\) of pod "
              + v.pod().getMetadata().getName() + ": frozen \\d+ ms \\(thawed: snapshot handle\\)");
      assertThat(line.path("namespace").asText()).isEqualTo("shop");
      assertThat(line.path("pvc").asText()).isEqualTo(v.pvc());
      assertThat(volumesAnnotation(r).path(v.pvc()).asText()).startsWith("frozen ");
    }
    assertThat(events(v.pvc())).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo("Frozen");
      assertThat(e.getMessage()).startsWith("backup daily-0200: frozen ");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("PersistentVolumeClaim");
    });
  }

  @Test
  void aVolumeWhoseSnapshotWasCutBeforeTheFreezeIsReportedAsTheThawActionAnnotatesIt() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    String name = "velero-" + v.pvc() + "-e4rly";
    LeaseStatus lease = bed.freezeAsWebhook(v, name, "daily-0400", 60);
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "daily-0400");
    // the snapshot controller reports a cut a whole second before FIFREEZE returned (a slow admission); the agent,
    // which reads only the content's time, has not judged it: the lease is still frozen
    Instant cutSecond = Instant.ofEpochMilli(lease.getFrozenAtUnixMs()).truncatedTo(ChronoUnit.SECONDS)
        .minusSeconds(1);
    vs.setAdditionalProperty("status", Map.of("creationTime", cutSecond.toString(), "readyToUse", false));
    bed.cluster.client.genericKubernetesResources(SnapshotCuts.SNAPSHOTS).inNamespace(ConsistencyBed.NS)
        .resource(vs).update();
    try {
      try (CapturedLog log = new CapturedLog()) {
        BackupItemResult r = action.execute(Items.request(Items.tree(v.pod()), Items.backup("daily-0400", "")));
        assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
            .contains(": cut before the freeze took effect (the storage cut the snapshot at " + cutSecond
                + " (known only to the second), the filesystem was frozen at "));
        assertThat(volumesAnnotation(r).path(v.pvc()).asText()).startsWith("cut before the freeze took effect");
      }
      assertThat(events(v.pvc())).singleElement().extracting(Event::getType).isEqualTo("Warning");
    } finally {
      bed.client(TestCluster.VELERO_TOKEN).thaw(ConsistencyBed.NODE, SnapshotRef.newBuilder()
          .setNamespace(ConsistencyBed.NS).setName(name).build());
    }
    assertThat(v.fs().writable(5000)).as("thawed").isTrue();
  }

  @Test
  void aSnapshotWithoutAnyFreezeRecordIsAWarningAndAWarningEvent() throws Exception {
    ConsistencyBed.Volume v = bed.volume(false);
    try (CapturedLog log = new CapturedLog()) {
      action.execute(Items.request(Items.tree(v.pod()), Items.backup("daily-0300", "")));
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("no freeze was recorded"));
    }
    assertThat(events(v.pvc())).singleElement().extracting(Event::getType).isEqualTo("Warning");
  }

  @Test
  void aVolumeOnANonCsiPersistentVolumeIsAnInfoLineAndANormalEvent() throws Exception {
    // a statically provisioned NFS share: Velero takes no CSI snapshot of it, so no /freeze and no record
    String pvc = "shared-nfs";
    String pv = "nfs-share-" + java.util.UUID.randomUUID();
    bed.cluster.client.resource(new PersistentVolumeBuilder().withNewMetadata().withName(pv).endMetadata()
        .withNewSpec().withNewNfs().withServer("nfs.example").withPath("/exports/shop").endNfs()
        .withNewClaimRef().withNamespace(ConsistencyBed.NS).withName(pvc).endClaimRef().withVolumeMode("Filesystem")
        .addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteMany").endSpec()
        .withNewStatus().withPhase("Bound").endStatus().build()).create();
    bed.cluster.client.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(ConsistencyBed.NS)
        .withName(pvc).endMetadata().withNewSpec().withVolumeName(pv).withStorageClassName("")
        .withAccessModes("ReadWriteMany").withNewResources().addToRequests("storage", new Quantity("1Gi"))
        .endResources().endSpec().withNewStatus().withPhase("Bound").endStatus().build()).create();
    Pod pod = bed.cluster.runningPod(ConsistencyBed.NS, "nfs-reader-0", ConsistencyBed.NODE, pvc);
    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = action.execute(Items.request(Items.tree(pod), Items.backup("daily-0900", "")));
      assertThat(log.at("warn")).isEmpty();
      assertThat(log.at("info")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("not a CSI volume"));
      assertThat(volumesAnnotation(r).path(pvc).asText()).contains("not a CSI volume");
    }
    assertThat(events(pvc)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo("NotFrozen");
    });
  }

  @Test
  void aFreezeOfAnotherBackupDoesNotCountForThisOne() throws Exception {
    ConsistencyBed.Volume v = bed.volume(false);
    // the agent skips it (nothing mounted), but under the other backup's name
    assertThat(bed.freezeAsWebhook(v, "velero-" + v.pvc() + "-0th3r", "other-backup", 60).getState())
        .isEqualTo(LeaseState.SKIPPED);
    try (CapturedLog log = new CapturedLog()) {
      action.execute(Items.request(Items.tree(v.pod()), Items.backup("daily-0400", "")));
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("no freeze was recorded"));
    }
  }

  @Test
  void fileSystemBackupAndDataMoverAreReportedAsNotEncryptedWithTheTenantsKey() throws Exception {
    ConsistencyBed.Volume logs = bed.volume(false);
    ConsistencyBed.Volume db = bed.volume(false);
    Pod pod = bed.cluster.client.resource(new PodBuilder().withNewMetadata().withNamespace(ConsistencyBed.NS)
        .withName("app-fs").withUid("3d5e7f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
        .withAnnotations(Map.of(PodVolume.OPT_IN, "logs")).endMetadata()
        .withNewSpec().withNodeName(ConsistencyBed.NODE)
        .addNewVolume().withName("logs").withNewPersistentVolumeClaim().withClaimName(logs.pvc())
        .endPersistentVolumeClaim().endVolume()
        .addNewVolume().withName("db").withNewPersistentVolumeClaim().withClaimName(db.pvc())
        .endPersistentVolumeClaim().endVolume()
        .addNewContainer().withName("app").withImage("registry.example/app:3").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = action.execute(Items.request(Items.tree(pod),
          Items.backup("daily-0500", ",\"snapshotMoveData\":true")));
      List<JsonNode> info = log.at("info");
      assertThat(info).anySatisfy(l -> assertThat(l.path("@message").asText())
          .contains("volume logs").contains("file-system copy").contains("not SSE-C encrypted with the tenant's key"));
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("volume db").contains("data mover").contains("not SSE-C encrypted with the tenant's key"));
      assertThat(volumesAnnotation(r).fieldNames()).toIterable().containsExactly("logs", "db");
    }
  }

  @Test
  void aPodOnANodeWithoutAReachableAgentIsOneWarnLinePerVolumeAndTheItemIsKept() throws Exception {
    String pvc = "data-elsewhere";
    bed.cluster.boundPvc(ConsistencyBed.NS, pvc, "pvc-1a2b3c4d-0000-4c8b-9d61-2f3a4b5c6d7e");
    Pod pod = bed.cluster.runningPod(ConsistencyBed.NS, "elsewhere-0", "worker-without-agent", pvc);
    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = action.execute(Items.request(Items.tree(pod), Items.backup("daily-0600", "")));
      assertThat(r.item().path("kind").asText()).isEqualTo("Pod");
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("could not be read").contains("worker-without-agent"));
      // the pod annotation and the PVC Event are the tenant's: a generic sentence, the details stay in the log
      assertThat(volumesAnnotation(r).path(pvc).asText()).isEqualTo(VolumeSnapshotThawAction.AGENT_UNREACHABLE);
    }
    assertThat(events(pvc)).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).isEqualTo("backup daily-0600: " + VolumeSnapshotThawAction.AGENT_UNREACHABLE)
          .doesNotContain("worker-without-agent");
    });
  }

  @Test
  void aMissingCaFileIsOneWarnLinePerProcessAndEveryVolumeIsUnknownAndKept(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("service-ca.crt");
    PodConsistencyAction misconfigured = new PodConsistencyAction(new ClusterAccess(() -> bed.cluster.client,
        bed.clientConfig(TestCluster.VELERO_TOKEN).withTls(ca, "tresor-freeze-agent.tresor.svc")));
    String pvc = "data-no-ca";
    bed.cluster.boundPvc(ConsistencyBed.NS, pvc, "pvc-5e6f7a8b-0000-4c8b-9d61-2f3a4b5c6d7e");
    Pod pod = bed.cluster.runningPod(ConsistencyBed.NS, "no-ca-0", ConsistencyBed.NODE, pvc);
    try (CapturedLog log = new CapturedLog(LogLevel.DEBUG)) {
      for (String backup : List.of("daily-0700", "daily-0800")) {
        BackupItemResult r = misconfigured.execute(Items.request(Items.tree(pod), Items.backup(backup, "")));
        assertThat(r.item().path("kind").asText()).isEqualTo("Pod");
        assertThat(volumesAnnotation(r).path(pvc).asText()).contains("could not be reached");
      }
      // the file, its problem and the fix once; a warn line per volume would count as a backup warning each
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("TRESOR_FREEZE_AGENT_CA_FILE=" + ca + ": no such file")
          .contains("unset TRESOR_FREEZE_AGENT_CA_FILE"));
      assertThat(log.at("debug")).filteredOn(l -> l.path("@message").asText().contains("consistency of volume"))
          .hasSize(2).allSatisfy(l -> assertThat(l.path("@message").asText()).contains("could not be set up"));
      assertThat(log.at("error")).isEmpty();
    }
    // the tenant's channel is per backup: an Event each time
    assertThat(events(pvc)).hasSize(2).allSatisfy(e -> assertThat(e.getReason()).isEqualTo("ConsistencyUnknown"));
  }

  @Test
  void podsWithoutPvcsNeedNoClusterAtAll() throws Exception {
    PodConsistencyAction offline = new PodConsistencyAction(new ClusterAccess(() -> {
      throw new AssertionError("no cluster access for a pod without PVCs");
    }, bed.clientConfig(TestCluster.VELERO_TOKEN)));
    ObjectNode pod = (ObjectNode) Items.JSON.readTree("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"shop"},
         "spec":{"nodeName":"worker-1","containers":[{"name":"web","image":"registry.example/web:1"}],
          "volumes":[{"name":"tmp","emptyDir":{}}]},"status":{"phase":"Running"}}""");
    assertThat(offline.execute(Items.request(pod, Items.backup("b", "")))).isEqualTo(BackupItemResult.unchanged());
  }
}
