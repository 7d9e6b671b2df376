package io.tresor.freeze.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.freeze.volume.InvalidVolumeReference;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.SnapshotRef;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LeaseMessagesTest {
  private static final String UID = "0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f";
  private final LeaseMessages messages = new LeaseMessages(Duration.ofSeconds(30), Duration.ofSeconds(120));

  private static FreezeRequest.Builder valid() {
    return FreezeRequest.newBuilder().setNamespace("tenant").setPvc("data").setPv("pvc-1").addPodUids(UID)
        .setVolumeSnapshot(SnapshotRef.newBuilder().setNamespace("tenant").setName("velero-data-abcde")
            .setAdmissionRequestUid("5b1e5a36-0f0e-4a4e-8f53-3c7e0c1d2a9b").setBackupName("nightly"));
  }

  @Test
  void leaseSecondsDefaultAndAreCapped() {
    assertThat(messages.request(valid().build()).lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(messages.request(valid().setLeaseSeconds(5).build()).lease()).isEqualTo(Duration.ofSeconds(5));
    assertThat(messages.request(valid().setLeaseSeconds(100000).build()).lease()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void pathTricksAndMissingFieldsAreRefused() {
    java.util.List<UnaryOperator<FreezeRequest.Builder>> tricks = java.util.List.of(
        b -> b.setPv(".."),
        b -> b.setPv("../../../etc"),
        b -> b.setPv("pv/../../x"),
        b -> b.clearPodUids().addPodUids("../" + UID),
        b -> b.clearPodUids().addPodUids(".."),
        b -> b.clearPodUids(),
        b -> b.setNamespace("../kube-system"),
        b -> b.setPvc("a/b"),
        b -> b.setVolumeSnapshot(b.getVolumeSnapshot().toBuilder().setNamespace("other")),
        b -> b.setVolumeSnapshot(b.getVolumeSnapshot().toBuilder().setAdmissionRequestUid("")),
        b -> b.setVolumeSnapshot(b.getVolumeSnapshot().toBuilder().setAdmissionRequestUid("a/../b")),
        b -> b.setVolumeSnapshot(b.getVolumeSnapshot().toBuilder().setName("X/y")));
    for (UnaryOperator<FreezeRequest.Builder> trick : tricks) {
      FreezeRequest bad = trick.apply(valid()).build();
      assertThatThrownBy(() -> messages.request(bad)).as(bad.toString()).isInstanceOf(InvalidVolumeReference.class);
    }
  }

  @Test
  void leaseIdsAreRequestUidsOptionallyWithAGroupMembersPvc() {
    assertThat(LeaseMessages.leaseId("5b1e5a36-0f0e-4a4e-8f53-3c7e0c1d2a9b")).isNotEmpty();
    assertThat(LeaseMessages.leaseId("5b1e5a36-0f0e-4a4e-8f53-3c7e0c1d2a9b:data-0")).isNotEmpty();
    for (String bad : new String[] {"", "a/b", "x:../y", "x:Data", "x:", "x:a:b", "x y"}) {
      assertThatThrownBy(() -> LeaseMessages.leaseId(bad)).as(bad).isInstanceOf(InvalidVolumeReference.class);
    }
    FreezeRequest group = valid().setVolumeSnapshot(valid().getVolumeSnapshot().toBuilder()
        .setKind(io.tresor.proto.freeze.v1.SnapshotKind.VOLUME_GROUP_SNAPSHOT)).build();
    assertThat(messages.request(group).leaseId()).isEqualTo("5b1e5a36-0f0e-4a4e-8f53-3c7e0c1d2a9b:data");
    assertThat(messages.request(valid().build()).leaseId()).isEqualTo("5b1e5a36-0f0e-4a4e-8f53-3c7e0c1d2a9b");
  }
}
