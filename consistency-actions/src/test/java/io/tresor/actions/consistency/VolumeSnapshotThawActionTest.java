package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.logging.LogLevel;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thaw action against the real agent over gRPC, with Velero's token, on real loop ext4 volumes. */
class VolumeSnapshotThawActionTest {
  private static ConsistencyBed bed;
  private static VolumeSnapshotThawAction action;

  @BeforeAll
  static void start() throws Exception {
    bed = new ConsistencyBed();
    action = new VolumeSnapshotThawAction(new ClusterAccess(() -> bed.cluster.client,
        bed.clientConfig(TestCluster.VELERO_TOKEN)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static ObjectNode annotations(BackupItemResult r) {
    return (ObjectNode) r.item().path("metadata").path("annotations");
  }

  @Test
  void aSnapshotStillFrozenIsThawedAndRecordedAsFrozen() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    LeaseStatus lease = bed.freezeAsWebhook(v, "velero-" + v.pvc() + "-x7k2p", "nightly", 60);
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
    // the snapshot object exists but the agent has not seen a handle: the freeze is still held
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, "velero-" + v.pvc() + "-x7k2p",
        v.pvc(), "nightly");
    CompletableFuture<Void> blocked = v.fs().write();
    Thread.sleep(200);
    assertThat(blocked).as("frozen before the action runs").isNotDone();

    BackupItemResult r;
    try (CapturedLog log = new CapturedLog()) {
      r = action.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
      blocked.get(5, TimeUnit.SECONDS);
      assertThat(log.at("warn")).isEmpty();
      assertThat(log.at("info")).singleElement().satisfies(l -> {
        assertThat(l.path("@message").asText()).contains("thawed").contains(v.pvc());
        assertThat(l.path("namespace").isTextual()).isTrue();
        assertThat(l.path("name").asText()).isEqualTo(vs.getMetadata().getName());
      });
    }
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("frozen");
    assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText())
        .matches("frozen \\d+ ms \\(thawed by tresor after the snapshot handle existed\\); the storage did not"
            + " report when it cut the snapshot");
    assertThat(r.item().path("spec").path("source").path("persistentVolumeClaimName").asText()).isEqualTo(v.pvc());
  }

  /**
   * The content the CSI driver cut at {@code cutAt}, under a name the agent does not watch: its watch has not caught
   * up (it follows {@code snapcontent-<uid>} until the stored snapshot names another), so the lease is still frozen
   * and undecided when the thaw action runs, as when the agent is late.
   */
  private static String lateContent(GenericKubernetesResource vs, Instant cutAt) {
    GenericKubernetesResource vsc = new GenericKubernetesResource();
    vsc.setApiVersion("snapshot.storage.k8s.io/v1");
    vsc.setKind("VolumeSnapshotContent");
    String name = "snapcontent-late-" + vs.getMetadata().getUid();
    vsc.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    vsc.setAdditionalProperty("spec", Map.of("driver", TestCluster.DRIVER, "deletionPolicy", "Retain"));
    vsc.setAdditionalProperty("status", Map.of("snapshotHandle", "snap-0a9b8c7d6e5f40312", "readyToUse", true,
        "creationTime", cutAt.getEpochSecond() * 1_000_000_000L + cutAt.getNano()));
    bed.cluster.client.genericKubernetesResources(TestCluster.VSC).resource(vsc).create();
    return name;
  }

  /** The item as Velero reads it after the cut: bound to the content, creationTime to the second. */
  private static ObjectNode boundItem(GenericKubernetesResource vs, String content, Instant cutAt) throws Exception {
    ObjectNode item = Items.tree(vs);
    item.putObject("status").put("boundVolumeSnapshotContentName", content).put("readyToUse", true)
        .put("creationTime", cutAt.truncatedTo(ChronoUnit.SECONDS).toString());
    return item;
  }

  @Test
  void aSnapshotCutBeforeTheFreezeTookEffectIsThawedAndRecordedAsCutBeforeFreeze() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    String name = "velero-" + v.pvc() + "-sl0w1";
    LeaseStatus lease = bed.freezeAsWebhook(v, name, "nightly", 60);
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly");
    // the driver cut 250.5 ms before FIFREEZE returned (a slow admission): the snapshot holds unquiesced data
    Instant frozenAt = Instant.ofEpochMilli(lease.getFrozenAtUnixMs());
    Instant cutAt = frozenAt.minusNanos(250_500_000);
    String content = lateContent(vs, cutAt);
    CompletableFuture<Void> blocked = v.fs().write();
    Thread.sleep(200);
    assertThat(blocked).as("still frozen when the action runs").isNotDone();

    BackupItemResult r = action.execute(Items.request(boundItem(vs, content, cutAt), Items.backup("nightly", "")));
    blocked.get(5, TimeUnit.SECONDS);
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("cut-before-freeze");
    assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText()).isEqualTo("cut before the freeze took"
        + " effect (the storage cut the snapshot at " + cutAt + ", the filesystem was frozen at " + frozenAt
        + "): crash-consistent only");
  }

  @Test
  void withoutItsContentTheSnapshotsOwnSecondIsUsedAndDecidesOnlyWhenTheWholeSecondIsBeforeTheFreeze()
      throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    String name = "velero-" + v.pvc() + "-n0vsc";
    LeaseStatus lease = bed.freezeAsWebhook(v, name, "nightly", 60);
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly");
    // the content is gone (or not readable): only the snapshot's status.creationTime, a second before the freeze's
    Instant cutSecond = Instant.ofEpochMilli(lease.getFrozenAtUnixMs()).truncatedTo(ChronoUnit.SECONDS)
        .minusSeconds(1);
    try (CapturedLog log = new CapturedLog(LogLevel.DEBUG)) {
      BackupItemResult r = action.execute(Items.request(boundItem(vs, "snapcontent-deleted-" + name, cutSecond),
          Items.backup("nightly", "")));
      assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("cut-before-freeze");
      assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText())
          .contains("at " + cutSecond + " (known only to the second), the filesystem was frozen at");
      assertThat(log.at("debug")).anySatisfy(l -> assertThat(l.path("@message").asText())
          .contains("snapcontent-deleted-" + name).contains("was not found"));
      assertThat(log.at("warn")).isEmpty();
    }
    assertThat(v.fs().writable(5000)).as("thawed by the action").isTrue();
  }

  @Test
  void aSnapshotTheAgentAlreadyThawedOnItsHandleIsRecordedWithTheAgentsVerdict() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    String name = "velero-" + v.pvc() + "-h4nd1";
    assertThat(bed.freezeAsWebhook(v, name, "nightly", 60).getState()).isEqualTo(LeaseState.FROZEN);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly");
    bed.cluster.cut(vs, Instant.now());
    assertThat(v.fs().writable(5000)).as("thawed by the agent on the handle").isTrue();

    BackupItemResult r = action.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("frozen");
    assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText())
        .matches("frozen \\d+ ms \\(thawed: snapshot handle\\)");
  }

  @Test
  void anUnreachableAgentIsOneWarnLineAndNeverFailsTheItem() throws Exception {
    String pvc = "data-orphan";
    bed.cluster.boundPvc(ConsistencyBed.NS, pvc, "pvc-7e0c1f52-5a4e-4c8b-9d61-2f3a4b5c6d7e");
    bed.cluster.runningPod(ConsistencyBed.NS, "orphan-0", "worker-without-agent", pvc);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, "velero-data-orphan-q9w8e", pvc,
        "nightly");
    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = action.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
      assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("unknown");
      // the backed-up object is the tenant's: no agent pod, address or node in it; the log line has them
      assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText())
          .isEqualTo(VolumeSnapshotThawAction.AGENT_UNREACHABLE).doesNotContain("worker-without-agent");
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("worker-without-agent").contains("thaws by itself"));
      assertThat(log.at("error")).isEmpty();
    }
  }

  @Test
  void anApiErrorWhileLookingForThePodsStaysInTheLogAndOutOfTheBackedUpSnapshot() throws Exception {
    VolumeSnapshotThawAction cut = new VolumeSnapshotThawAction(new ClusterAccess(() -> {
      throw new io.fabric8.kubernetes.client.KubernetesClientException("Forbidden: pods is forbidden for velero");
    }, bed.clientConfig(TestCluster.VELERO_TOKEN)));
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, "velero-data-api-e7r0r",
        "data-api", "nightly");
    try (CapturedLog log = new CapturedLog()) {
      BackupItemResult r = cut.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
      assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("unknown");
      assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText())
          .contains("the backup's log has the details").doesNotContain("Forbidden");
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("Forbidden: pods is forbidden for velero"));
    }
  }

  @Test
  void aCaFileThatIsNoPemBundleIsOneWarnLinePerProcessAndEverySnapshotIsUnknownAndKept(@TempDir Path dir)
      throws Exception {
    Path ca = Files.writeString(dir.resolve("service-ca.crt"), "not a certificate\n");
    String pvc = "data-no-ca";
    bed.cluster.boundPvc(ConsistencyBed.NS, pvc, "pvc-0c1d2e3f-5a4e-4c8b-9d61-2f3a4b5c6d7e");
    bed.cluster.runningPod(ConsistencyBed.NS, "no-ca-0", ConsistencyBed.NODE, pvc);
    List<String> names = List.of("velero-data-no-ca-a1b2c", "velero-data-no-ca-d3e4f", "velero-data-no-ca-g5h6i");
    try (CapturedLog log = new CapturedLog(LogLevel.DEBUG)) {
      for (String name : names) {
        // a ClusterAccess per snapshot: the warning is per process and file, not per instance
        VolumeSnapshotThawAction misconfigured = new VolumeSnapshotThawAction(new ClusterAccess(
            () -> bed.cluster.client, bed.clientConfig(TestCluster.VELERO_TOKEN).withTls(ca,
                "tresor-freeze-agent.tresor.svc")));
        GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, pvc, "nightly");
        BackupItemResult r = misconfigured.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
        assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("unknown");
        assertThat(r.item().path("metadata").path("name").asText()).isEqualTo(name);
      }
      // the file, its problem and the fix once; Velero would count a warn line per snapshot as a backup warning each
      assertThat(log.at("warn")).singleElement().satisfies(l -> assertThat(l.path("@message").asText())
          .contains("TRESOR_FREEZE_AGENT_CA_FILE=" + ca + ": not a PEM certificate bundle")
          .contains("unset TRESOR_FREEZE_AGENT_CA_FILE"));
      assertThat(log.at("debug")).filteredOn(l -> l.path("@message").asText().contains("could not ask"))
          .extracting(l -> l.path("name").asText()).containsExactlyElementsOf(names);
      assertThat(log.at("error")).isEmpty();
    }
  }

  @Test
  void aSnapshotWhoseVolumeWasNotMountedIsRecordedAsSkippedWithTheAgentsReason() throws Exception {
    ConsistencyBed.Volume v = bed.volume(false);
    String name = "velero-" + v.pvc() + "-n0mnt";
    LeaseStatus lease = bed.freezeAsWebhook(v, name, "nightly", 60);
    assertThat(lease.getState()).isEqualTo(LeaseState.SKIPPED);
    GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly");
    BackupItemResult r = action.execute(Items.request(Items.tree(vs), Items.backup("nightly", "")));
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("not-frozen");
    assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText()).contains(lease.getSkipCode());
  }

  /** What the webhook's /freeze asks for one PVC of a VolumeGroupSnapshot. */
  private static LeaseStatus freezeForGroup(ConsistencyBed.Volume v, String group, String admission) throws Exception {
    try (var webhook = bed.client(TestCluster.WEBHOOK_TOKEN)) {
      return webhook.freeze(ConsistencyBed.NODE, io.tresor.proto.freeze.v1.FreezeRequest.newBuilder()
          .setNamespace(ConsistencyBed.NS).setPvc(v.pvc()).setPv(v.pv()).addPodUids(v.pod().getMetadata().getUid())
          .setVolumeSnapshot(io.tresor.proto.freeze.v1.SnapshotRef.newBuilder().setNamespace(ConsistencyBed.NS)
              .setName(group).setAdmissionRequestUid(admission).setBackupName("nightly")
              .setKind(io.tresor.proto.freeze.v1.SnapshotKind.VOLUME_GROUP_SNAPSHOT))
          .setLeaseSeconds(60).build());
    }
  }

  /** The member snapshot the snapshot controller creates for one PVC after the group's cut. */
  private static ObjectNode member(ConsistencyBed.Volume v, String group) throws Exception {
    ObjectNode member = Items.tree(bed.cluster.veleroSnapshot(ConsistencyBed.NS, "snapshot-4b1c9e0d" + v.pvc(),
        v.pvc(), "nightly"));
    member.putObject("status").put("volumeGroupSnapshotName", group).put("readyToUse", true);
    return member;
  }

  @Test
  void aMemberOfAGroupSnapshotThawsTheGroupsFreezeOfItsPvc() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    LeaseStatus lease = freezeForGroup(v, "velero-orders-7f2k", java.util.UUID.randomUUID().toString());
    assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
    ObjectNode member = member(v, "velero-orders-7f2k");
    CompletableFuture<Void> blocked = v.fs().write();
    Thread.sleep(200);
    assertThat(blocked).isNotDone();
    BackupItemResult r = action.execute(Items.request(member, Items.backup("nightly", "")));
    blocked.get(5, TimeUnit.SECONDS);
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("frozen");
  }

  @Test
  void eachMemberOfAGroupSnapshotCarriesTheVerdictOfItsOwnPvc() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume mounted = bed.volume(true);
    ConsistencyBed.Volume unmounted = bed.volume(false);
    String group = "velero-billing-3q8v";
    String admission = java.util.UUID.randomUUID().toString();
    assertThat(freezeForGroup(mounted, group, admission).getState()).isEqualTo(LeaseState.FROZEN);
    LeaseStatus skipped = freezeForGroup(unmounted, group, admission);
    assertThat(skipped.getState()).isEqualTo(LeaseState.SKIPPED);

    // the agent answers a group's Thaw with the leases of both PVCs: the unmounted one must not read "frozen"
    BackupItemResult r = action.execute(Items.request(member(unmounted, group), Items.backup("nightly", "")));
    assertThat(annotations(r).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("not-frozen");
    assertThat(annotations(r).path(ConsistencyAnnotations.DETAIL).asText()).contains(skipped.getSkipCode());

    BackupItemResult m = action.execute(Items.request(member(mounted, group), Items.backup("nightly", "")));
    assertThat(annotations(m).path(ConsistencyAnnotations.CONSISTENCY).asText()).isEqualTo("frozen");
  }

  @Test
  void aSnapshotOfAnExistingContentAndOtherKindsAreLeftAlone() throws Exception {
    ObjectNode fromContent = (ObjectNode) Items.JSON.readTree("""
        {"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot","metadata":{"name":"imported",
         "namespace":"shop","uid":"0b8e4a4c-1f7e-4d22-8f0a-3b2c1d0e9f8a"},
         "spec":{"source":{"volumeSnapshotContentName":"pre-provisioned-content"}}}""");
    assertThat(action.execute(Items.request(fromContent, Items.backup("nightly", "")))).isEqualTo(
        BackupItemResult.unchanged());
  }
}
