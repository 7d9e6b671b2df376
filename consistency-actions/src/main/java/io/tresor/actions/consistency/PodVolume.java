package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One PVC volume of a pod and how Velero backs it up in this backup, decided the way Velero decides it:
 * pod annotation {@code backup.velero.io/backup-volumes} (opt-in) or {@code defaultVolumesToFsBackup} minus
 * {@code backup.velero.io/backup-volumes-excludes} → file-system copy; else a CSI snapshot, moved by the data
 * mover when {@code snapshotMoveData}; none when {@code snapshotVolumes: false}. (Resource policies that
 * change the method per volume are not read here.)
 */
public record PodVolume(String volume, String pvc, Method method) {

  /** How the volume's data gets into the backup. */
  public enum Method { CSI_SNAPSHOT, DATA_MOVER, FS_BACKUP, NOT_BACKED_UP }

  static final String OPT_IN = "backup.velero.io/backup-volumes";
  static final String OPT_OUT = "backup.velero.io/backup-volumes-excludes";

  /** The pod's PVC volumes with their method, in the pod's order. */
  public static List<PodVolume> of(JsonNode pod, JsonNode backup) {
    Set<String> optIn = names(Json.text(pod, "metadata", "annotations", OPT_IN));
    Set<String> optOut = names(Json.text(pod, "metadata", "annotations", OPT_OUT));
    JsonNode spec = backup.path("spec");
    boolean fsByDefault = spec.path("defaultVolumesToFsBackup").asBoolean(false);
    boolean snapshots = !spec.path("snapshotVolumes").isBoolean() || spec.path("snapshotVolumes").asBoolean();
    boolean moveData = spec.path("snapshotMoveData").asBoolean(false);
    List<PodVolume> out = new ArrayList<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String claim = Json.text(v, "persistentVolumeClaim", "claimName");
      if (claim.isEmpty()) {
        continue;
      }
      String name = Json.text(v, "name");
      Method m;
      if (optIn.contains(name) || (fsByDefault && !optOut.contains(name))) {
        m = Method.FS_BACKUP;
      } else if (!snapshots) {
        m = Method.NOT_BACKED_UP;
      } else {
        m = moveData ? Method.DATA_MOVER : Method.CSI_SNAPSHOT;
      }
      out.add(new PodVolume(name, claim, m));
    }
    return out;
  }

  private static Set<String> names(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }
}
