package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.freeze.client.AgentUnavailableException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotKind;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * BIA {@code tresor.io/pod-consistency}: per PVC volume of the pod, one backup-log line and one Event on the
 * tenant's PVC saying how consistent its backup is, from the node agent's record (it runs after Velero's pod
 * action, so the pod's PVCs are already snapshotted). Warn lines (counted by Velero as backup warnings) only for
 * what went wrong; facts that follow from the volume or the backup's configuration are info lines.
 */
public final class PodConsistencyAction implements BackupItemAction {
  public static final String NAME = "tresor.io/pod-consistency";
  private static final Logger LOG = LoggerFactory.getLogger(PodConsistencyAction.class);
  static final String NOT_TENANT_KEY = "not SSE-C encrypted with the tenant's key";
  private static final String AGENT_UNREACHABLE = VolumeSnapshotThawAction.AGENT_UNREACHABLE;

  private final ClusterAccess cluster;
  private final SnapshotCuts cuts;

  public PodConsistencyAction(ClusterAccess cluster) {
    this.cluster = cluster;
    this.cuts = new SnapshotCuts(cluster::kube);
  }

  @Override
  public ResourceSelector appliesTo() {
    cluster.warmUp();
    return ResourceSelector.resources("pods");
  }

  @Override
  public BackupItemResult execute(BackupItemRequest request) {
    ObjectNode pod = request.item();
    if (!"Pod".equals(Json.text(pod, "kind"))) {
      return BackupItemResult.unchanged();
    }
    ObjectNode backup = request.backup();
    List<PodVolume> volumes = PodVolume.of(pod, backup);
    if (volumes.isEmpty()) {
      return BackupItemResult.unchanged();
    }
    String namespace = Json.text(pod, "metadata", "namespace");
    String podName = Json.text(pod, "metadata", "name");
    String backupName = Json.text(backup, "metadata", "name");
    Record record = record(pod, namespace, backupName, volumes);
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    PvcEvents events = new PvcEvents(cluster.kube());
    for (PodVolume v : volumes) {
      Verdict verdict = verdict(namespace, v, record);
      summary.put(v.volume(), verdict.sentence());
      // the pod annotation and the PVC Event are the tenant's: why the agent could not be read (its pod, address,
      // node, configuration advice, API errors) is for the backup log only
      String logged = record.unavailable() != null && verdict.sentence().startsWith(AGENT_UNREACHABLE)
          ? verdict.sentence().replace(AGENT_UNREACHABLE, "the freeze agent's record could not be read ("
              + record.unavailable() + ")")
          : verdict.sentence();
      // a client that could not be set up was warned about once for the process: per volume it adds nothing
      boolean setupFailed = record.setupFailed() && verdict.sentence().startsWith(AGENT_UNREACHABLE);
      LoggingEventBuilder line = !verdict.warning() ? LOG.atInfo() : setupFailed ? LOG.atDebug() : LOG.atWarn();
      line.addKeyValue("namespace", namespace).addKeyValue("name", podName).addKeyValue("volume", v.volume())
          .addKeyValue("pvc", v.pvc())
          .log("consistency of volume {} (PVC {}/{}) of pod {}: {}", v.volume(), namespace, v.pvc(), podName,
              logged);
      events.record(namespace, v.pvc(), backupName, verdict);
    }
    Json.annotate(pod, ConsistencyAnnotations.VOLUMES, summary.toString());
    return BackupItemResult.of(pod);
  }

  /**
   * The agent's leases on the pod's node for this backup, or why they are not known.
   *
   * @param setupFailed the reason is a freeze client that could not be set up (already warned about)
   */
  private record Record(List<LeaseStatus> leases, String backupLabel, String unavailable, boolean running,
                        boolean setupFailed) {}

  private Record record(ObjectNode pod, String namespace, String backupName, List<PodVolume> volumes) {
    String label = VeleroLabels.validValue(backupName);
    boolean running = "Running".equals(Json.text(pod, "status", "phase"));
    boolean snapshotted = volumes.stream().anyMatch(v -> v.method() == PodVolume.Method.CSI_SNAPSHOT
        || v.method() == PodVolume.Method.DATA_MOVER);
    if (!running || !snapshotted) {
      return new Record(List.of(), label, null, running, false);
    }
    String node = Json.text(pod, "spec", "nodeName");
    try {
      return new Record(cluster.freeze().statusAll(node).stream()
          .filter(l -> l.getNamespace().equals(namespace) && l.getVolumeSnapshot().getBackupName().equals(label))
          .toList(), label, null, true, false);
    } catch (AgentUnavailableException | KubernetesClientException e) {
      return new Record(List.of(), label, e.getMessage(), true, e instanceof ClusterAccess.SetupFailed);
    }
  }

  private Verdict verdict(String namespace, PodVolume v, Record r) {
    switch (v.method()) {
      case FS_BACKUP:
        return Verdict.notFrozenByDesign("backed up by file-system copy (Velero fs-backup): not frozen, and "
            + NOT_TENANT_KEY);
      case NOT_BACKED_UP:
        return Verdict.notFrozenByDesign("not snapshotted (the backup sets snapshotVolumes: false)");
      default:
        break;
    }
    if (!r.running()) {
      return Verdict.notFrozenByDesign("the pod is not running: the volume was not in use by it, nothing to freeze");
    }
    if (r.unavailable() != null) {
      Verdict unknown = Verdict.unknown(AGENT_UNREACHABLE);
      return v.method() == PodVolume.Method.DATA_MOVER
          ? unknown.and("its data is copied by Velero's data mover: " + NOT_TENANT_KEY) : unknown;
    }
    List<LeaseStatus> leases = r.leases().stream().filter(l -> l.getPvc().equals(v.pvc())).toList();
    if (leases.isEmpty() && notCsi(namespace, v.pvc())) {
      // Velero takes CSI snapshots (and moves data) only of CSI volumes: no VolumeSnapshot, no /freeze, no record
      return Verdict.notFrozenByDesign("not frozen by design: not a CSI volume (Velero takes no CSI snapshot of it)");
    }
    // the same verdict as the thaw action's on the VolumeSnapshot: a lease the agent did not judge is checked
    // against when the storage cut the snapshot
    Verdict frozen = snapshotToJudge(leases).map(vs -> LeaseVerdicts.of(leases, cuts.of(vs)))
        .orElseGet(() -> LeaseVerdicts.of(leases));
    return v.method() == PodVolume.Method.DATA_MOVER
        ? frozen.and("its data is copied by Velero's data mover: " + NOT_TENANT_KEY) : frozen;
  }

  /** The VolumeSnapshot of a lease the agent did not judge; empty when none needs one or it cannot be read. */
  private Optional<ObjectNode> snapshotToJudge(List<LeaseStatus> leases) {
    return leases.stream().filter(LeaseVerdicts::undecided).map(LeaseStatus::getVolumeSnapshot)
        .filter(r -> r.getKind() != SnapshotKind.VOLUME_GROUP_SNAPSHOT && !r.getName().isEmpty()).findFirst()
        .flatMap(r -> cuts.snapshot(r.getNamespace(), r.getName()));
  }

  /**
   * Whether the PVC is bound to a PV without {@code spec.csi} (NFS, local, hostPath, in-tree). Anything that cannot be
   * read says no: the missing record then stays a warning.
   */
  private boolean notCsi(String namespace, String pvc) {
    try {
      PersistentVolumeClaim claim = cluster.kube().persistentVolumeClaims().inNamespace(namespace).withName(pvc).get();
      String volumeName = claim == null || claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
      if (volumeName == null || volumeName.isEmpty()) {
        return false;
      }
      PersistentVolume pv = cluster.kube().persistentVolumes().withName(volumeName).get();
      return pv != null && pv.getSpec() != null && pv.getSpec().getCsi() == null;
    } catch (KubernetesClientException e) {
      return false;
    }
  }
}
