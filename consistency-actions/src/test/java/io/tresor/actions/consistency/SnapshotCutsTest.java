package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A content that cannot be read never fails the item: the snapshot's own second is used, and the log says why. */
class SnapshotCutsTest {

  private static ObjectNode snapshot(String creationTime) throws Exception {
    return (ObjectNode) Items.JSON.readTree("""
        {"apiVersion":"snapshot.storage.k8s.io/v1","kind":"VolumeSnapshot","metadata":{"name":"velero-data-db-0-k2x9q",
         "namespace":"shop"},"spec":{"source":{"persistentVolumeClaimName":"data-db-0"}},
         "status":{"boundVolumeSnapshotContentName":"snapcontent-3b0f6d1e","readyToUse":true%s}}"""
        .formatted(creationTime == null ? "" : ",\"creationTime\":\"" + creationTime + "\""));
  }

  private static final SnapshotCuts FORBIDDEN = new SnapshotCuts(() -> {
    throw new KubernetesClientException("volumesnapshotcontents.snapshot.storage.k8s.io \"snapcontent-3b0f6d1e\" is"
        + " forbidden: User \"system:serviceaccount:openshift-adp:velero\" cannot get resource");
  });

  @Test
  void anUnreadableContentIsOneWarnLineAndTheSnapshotsSecondIsUsed() throws Exception {
    try (CapturedLog log = new CapturedLog()) {
      Optional<CutTime> cut = FORBIDDEN.of(snapshot("2025-12-01T20:00:00Z"));
      assertThat(cut).contains(new CutTime(Instant.parse("2025-12-01T20:00:00Z"), CutTime.Precision.SECOND));
      assertThat(log.at("warn")).singleElement().satisfies(l -> {
        assertThat(l.path("@message").asText()).contains("VolumeSnapshotContent snapcontent-3b0f6d1e")
            .contains("is forbidden").contains("known to the second");
        assertThat(l.path("name").asText()).isEqualTo("velero-data-db-0-k2x9q");
      });
    }
  }

  @Test
  void withoutAnyCreationTimeTheCutIsNotKnown() throws Exception {
    try (CapturedLog log = new CapturedLog()) {
      assertThat(FORBIDDEN.of(snapshot(null))).isEmpty();
      assertThat(FORBIDDEN.of(snapshot("not-a-time"))).isEmpty();
      assertThat(log.at("error")).isEmpty();
    }
  }
}
