package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.freeze.client.AgentUnavailableException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotKind;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.proto.freeze.v1.ThawCause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIA {@code tresor.io/volumesnapshot-thaw}: the second thaw path. It runs after Velero's CSI actions, when the
 * snapshot handle exists, asks every agent that may hold a freeze for this snapshot (VolumeSnapshot → source PVC →
 * running pods → their nodes) to {@code Thaw} it, and records the result on the backed-up VolumeSnapshot.
 * It never fails the item: an unreachable agent is one warn line (its lease thaws by itself).
 */
public final class VolumeSnapshotThawAction implements BackupItemAction {
  public static final String NAME = "tresor.io/volumesnapshot-thaw";
  private static final Logger LOG = LoggerFactory.getLogger(VolumeSnapshotThawAction.class);
  /** What the tenant reads (annotation, Event) when an agent could not be asked; the details are in the log. */
  static final String AGENT_UNREACHABLE = "the freeze agent on the pod's node could not be reached; the backup's log "
      + "has the details";

  private final ClusterAccess cluster;
  private final SnapshotCuts cuts;

  public VolumeSnapshotThawAction(ClusterAccess cluster) {
    this.cluster = cluster;
    this.cuts = new SnapshotCuts(cluster::kube);
  }

  @Override
  public ResourceSelector appliesTo() {
    cluster.warmUp();
    return ResourceSelector.resources("volumesnapshots.snapshot.storage.k8s.io");
  }

  @Override
  public BackupItemResult execute(BackupItemRequest request) {
    ObjectNode vs = request.item();
    String namespace = Json.text(vs, "metadata", "namespace");
    String name = Json.text(vs, "metadata", "name");
    String pvc = Json.text(vs, "spec", "source", "persistentVolumeClaimName");
    if (!"VolumeSnapshot".equals(Json.text(vs, "kind")) || pvc.isEmpty()) {
      // a snapshot of an existing content (or not a snapshot at all) was never frozen by tresor
      return BackupItemResult.unchanged();
    }
    String group = Json.text(vs, "status", "volumeGroupSnapshotName");
    // a member of a group snapshot was frozen under the group's admission (the members appear after the cut)
    SnapshotRef ref = group.isEmpty()
        ? SnapshotRef.newBuilder().setNamespace(namespace).setName(name).setUid(Json.text(vs, "metadata", "uid"))
            .build()
        : SnapshotRef.newBuilder().setNamespace(namespace).setName(group).setKind(SnapshotKind.VOLUME_GROUP_SNAPSHOT)
            .build();
    Verdict verdict;
    try {
      verdict = thawOnNodes(vs, pvc, ref);
    } catch (KubernetesClientException e) {
      // the annotation is in the tenant's backup: the API server's error text stays in the log line
      verdict = Verdict.unknown("the pods of PVC " + pvc + " could not be looked up to reach their freeze agents; "
          + "the backup's log has the details");
      LOG.atWarn().addKeyValue("namespace", namespace).addKeyValue("name", name).addKeyValue("pvc", pvc)
          .log("tresor could not look for freezes of VolumeSnapshot {}/{}; any freeze still thaws by itself"
              + " when its lease ends: {}", namespace, name, e.getMessage());
    }
    Json.annotate(vs, ConsistencyAnnotations.CONSISTENCY, verdict.word());
    Json.annotate(vs, ConsistencyAnnotations.DETAIL, verdict.sentence());
    return BackupItemResult.of(vs);
  }

  private Verdict thawOnNodes(ObjectNode vs, String pvc, SnapshotRef ref) {
    String namespace = Json.text(vs, "metadata", "namespace");
    String name = Json.text(vs, "metadata", "name");
    Map<String, List<Pod>> byNode = cluster.volumeUsers().runningByNode(namespace, pvc);
    if (byNode.isEmpty()) {
      return Verdict.notFrozenByDesign("no running pod mounts PVC " + pvc + ": nothing was in use to freeze");
    }
    List<LeaseStatus> leases = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    boolean onlySetupFailed = true;
    for (String node : byNode.keySet()) {
      try {
        leases.addAll(cluster.freeze().thaw(node, ref));
      } catch (AgentUnavailableException e) {
        unreachable.add(e.getMessage());
        onlySetupFailed &= e instanceof ClusterAccess.SetupFailed;
      }
    }
    if (!unreachable.isEmpty()) {
      // a client that could not be set up was warned about once for the process: per snapshot it adds nothing
      (onlySetupFailed ? LOG.atDebug() : LOG.atWarn()).addKeyValue("namespace", namespace).addKeyValue("name", name).addKeyValue("pvc", pvc)
          .log("tresor could not ask the freeze agent to thaw VolumeSnapshot {}/{} ({}); a freeze it holds thaws by"
              + " itself on the snapshot handle or when its lease ends", namespace, name,
              String.join("; ", unreachable.stream().distinct().toList()));
    }
    // a group's Thaw answers with the group's leases of every PVC on the node: only this snapshot's PVC counts
    List<LeaseStatus> own = leases.stream().filter(l -> l.getNamespace().equals(namespace) && l.getPvc().equals(pvc))
        .toList();
    boolean thawedNow = own.stream().anyMatch(l -> l.getState() == LeaseState.THAWED
        && l.getThawCause() == ThawCause.THAW_CALL);
    if (thawedNow) {
      LOG.atInfo().addKeyValue("namespace", namespace).addKeyValue("name", name).addKeyValue("pvc", pvc)
          .log("tresor thawed the filesystem of PVC {}/{} for VolumeSnapshot {}", namespace, pvc, name);
    }
    if (own.isEmpty() && !unreachable.isEmpty()) {
      // agent pod names, addresses and configuration advice stay in the warn line above, not in the tenant's backup
      return Verdict.unknown(AGENT_UNREACHABLE);
    }
    // read after the thaw: the tenant's application waits on a frozen filesystem, the cut time can wait
    return LeaseVerdicts.of(own, LeaseVerdicts.needsCutTime(own) ? cuts.of(vs) : Optional.empty());
  }
}
