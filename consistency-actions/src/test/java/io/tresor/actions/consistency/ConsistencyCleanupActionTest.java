package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import org.junit.jupiter.api.Test;

/** Restored objects lose tresor's backup-time annotations and keep everything else. */
class ConsistencyCleanupActionTest {
  private final ConsistencyCleanupAction action = new ConsistencyCleanupAction();

  private static RestoreItemRequest request(String json) throws Exception {
    ObjectNode item = (ObjectNode) Items.JSON.readTree(json);
    return new RestoreItemRequest(item, () -> item.deepCopy(), () -> Items.JSON.createObjectNode());
  }

  @Test
  void aVolumeSnapshotLosesTheConsistencyAnnotationsOnly() throws Exception {
    RestoreItemResult r = action.execute(request("""
        {"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot","metadata":{"name":"velero-data-db-0-x7k2p",
         "namespace":"shop","labels":{"velero.io/backup-name":"nightly"},
         "annotations":{"tresor.io/consistency":"frozen","tresor.io/consistency-detail":"frozen 95 ms",
          "velero.io/csi-volumesnapshot-handle":"snap-0f1e"}},
         "spec":{"source":{"volumeSnapshotContentName":"velero-velero-data-db-0-x7k2p-abcde"}}}"""));
    assertThat(r.item().path("metadata").path("annotations").fieldNames()).toIterable()
        .containsExactly("velero.io/csi-volumesnapshot-handle");
  }

  @Test
  void aPodKeepsTheTenantsOptOutAndLosesTheReport() throws Exception {
    RestoreItemResult r = action.execute(request("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","namespace":"shop",
         "annotations":{"tresor.io/volume-consistency":"{\\"data\\":\\"frozen 12 ms\\"}","tresor.io/freeze":"false"}},
         "spec":{"containers":[{"name":"db","image":"registry.example/db:16"}]}}"""));
    assertThat(r.item().path("metadata").path("annotations").fieldNames()).toIterable()
        .containsExactly("tresor.io/freeze");
  }

  @Test
  void anObjectWithOnlyTresorsAnnotationsLosesTheEmptyMapAndOthersAreUnchanged() throws Exception {
    RestoreItemResult r = action.execute(request("""
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data-db-0","namespace":"shop",
         "annotations":{"tresor.io/consistency":"frozen"}},"spec":{"accessModes":["ReadWriteOnce"]}}"""));
    assertThat(r.item().path("metadata").has("annotations")).isFalse();
    assertThat(action.execute(request("""
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"logs","namespace":"shop"}}""")))
        .isEqualTo(RestoreItemResult.unchanged());
  }

  @Test
  void longBackupNamesAreMatchedAsVeleroLabelsThem() {
    String name = "nightly-backup-of-the-shop-namespace-with-a-very-long-generated-name-2026";
    assertThat(VeleroLabels.validValue(name)).hasSize(63).startsWith(name.substring(0, 57));
    assertThat(VeleroLabels.validValue("nightly")).isEqualTo("nightly");
  }
}
