package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.actions.consistency.PodVolume.Method;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How Velero backs up each PVC volume of a pod, from the pod's annotations and the Backup spec. */
class PodVolumeTest {
  private static final String POD = """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","namespace":"shop","annotations":{%s}},
       "spec":{"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data-db-0"}},
        {"name":"wal","persistentVolumeClaim":{"claimName":"wal-db-0"}},{"name":"cfg","configMap":{"name":"db"}},
        {"name":"kube-api-access-x","projected":{"sources":[]}}]}}""";

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("", "{}", Method.CSI_SNAPSHOT, Method.CSI_SNAPSHOT),
        Arguments.of("", "{\"snapshotMoveData\":true}", Method.DATA_MOVER, Method.DATA_MOVER),
        Arguments.of("\"backup.velero.io/backup-volumes\":\"wal\"", "{}", Method.CSI_SNAPSHOT, Method.FS_BACKUP),
        Arguments.of("\"backup.velero.io/backup-volumes\":\" data , wal\"", "{}", Method.FS_BACKUP, Method.FS_BACKUP),
        Arguments.of("", "{\"defaultVolumesToFsBackup\":true}", Method.FS_BACKUP, Method.FS_BACKUP),
        Arguments.of("\"backup.velero.io/backup-volumes-excludes\":\"data\"", "{\"defaultVolumesToFsBackup\":true}",
            Method.CSI_SNAPSHOT, Method.FS_BACKUP),
        Arguments.of("", "{\"snapshotVolumes\":false}", Method.NOT_BACKED_UP, Method.NOT_BACKED_UP));
  }

  @ParameterizedTest
  @MethodSource("table")
  void methods(String annotations, String backupSpec, Method data, Method wal) throws Exception {
    JsonNode pod = Items.JSON.readTree(POD.formatted(annotations));
    JsonNode backup = Items.JSON.readTree("{\"metadata\":{\"name\":\"b\"},\"spec\":" + backupSpec + "}");
    assertThat(PodVolume.of(pod, backup)).containsExactly(new PodVolume("data", "data-db-0", data),
        new PodVolume("wal", "wal-db-0", wal));
  }
}
