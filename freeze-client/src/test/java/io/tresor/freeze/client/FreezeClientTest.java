package io.tresor.freeze.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.proto.freeze.v1.ThawCause;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real agent over real gRPC, located through the mock cluster's agent pods. */
class FreezeClientTest {
  private static ConsistencyBed bed;

  @BeforeAll
  static void start() throws Exception {
    bed = new ConsistencyBed();
  }

  @AfterAll
  static void stop() throws Exception {
    if (bed != null) {
      bed.close();
    }
  }

  private static SnapshotRef ref(String name) {
    return SnapshotRef.newBuilder().setNamespace(ConsistencyBed.NS).setName(name).build();
  }

  @Test
  void theWebhookFreezesARealExt4AndVeleroThawsItThroughTheNodesAgent() throws Exception {
    LoopVolume.assumeRoot();
    ConsistencyBed.Volume v = bed.volume(true);
    LeaseStatus lease = bed.freezeAsWebhook(v, "velero-data-db-abc12", "nightly", 60);
    CompletableFuture<Void> blocked = null;
    try {
      assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
      blocked = v.fs().write();
      Thread.sleep(300);
      assertThat(blocked).as("an application write while frozen").isNotDone();
    } finally {
      try (FreezeClient velero = bed.client(TestCluster.VELERO_TOKEN)) {
        List<LeaseStatus> thawed = velero.thaw(ConsistencyBed.NODE, ref("velero-data-db-abc12"));
        assertThat(thawed).singleElement().satisfies(l -> {
          assertThat(l.getState()).isEqualTo(LeaseState.THAWED);
          assertThat(l.getThawCause()).isEqualTo(ThawCause.THAW_CALL);
          assertThat(l.getFrozenMs()).isGreaterThanOrEqualTo(300);
        });
        assertThat(velero.status(ConsistencyBed.NODE, ref("velero-data-db-abc12"))).singleElement()
            .extracting(LeaseStatus::getState).isEqualTo(LeaseState.THAWED);
      }
    }
    blocked.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aNodeWithoutAnAgentIsExplained() throws Exception {
    try (FreezeClient c = bed.client(TestCluster.VELERO_TOKEN)) {
      assertThatThrownBy(() -> c.thaw("worker-9", ref("s")))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("no ready freeze agent pod")
          .hasMessageContaining("worker-9");
    }
  }

  @Test
  void anAgentPodThatIsNotReadyIsNotCalled() throws Exception {
    bed.cluster.client.resource(new PodBuilder().withNewMetadata().withNamespace("tresor")
        .withName("tresor-freeze-agent-starting").addToLabels("app.kubernetes.io/name", "tresor-freeze-agent")
        .endMetadata().withNewSpec().withNodeName("worker-3").addNewContainer().withName("agent").endContainer()
        .endSpec().withNewStatus().withPhase("Running").withPodIP("127.0.0.1").addNewCondition().withType("Ready")
        .withStatus("False").endCondition().endStatus().build()).create();
    try (FreezeClient c = bed.client(TestCluster.VELERO_TOKEN)) {
      assertThatThrownBy(() -> c.agentOn("worker-3")).hasMessageContaining("no ready freeze agent pod");
      assertThat(c.agentOn(ConsistencyBed.NODE).port()).as("port from the container port named grpc")
          .isEqualTo(bed.agent.grpcPort());
    }
  }

  @Test
  void anAgentThatDoesNotAnswerFailsFastWithTheAgentsName() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    bed.cluster.agentPod("worker-2", closedPort);
    try (FreezeClient c = bed.client(TestCluster.VELERO_TOKEN)) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> c.status("worker-2", ref("s")))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("tresor-freeze-agent-worker-2")
          .hasMessageContaining("UNAVAILABLE");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
    }
  }

  @Test
  void aTenantTokenIsRefusedByTheAgentAndTheTokenNeverAppearsInTheMessage() throws Exception {
    try (FreezeClient c = bed.client(TestCluster.TENANT_TOKEN)) {
      assertThatThrownBy(() -> c.status(ConsistencyBed.NODE, ref("s")))
          .isInstanceOf(AgentUnavailableException.class)
          .hasMessageContaining("PERMISSION_DENIED")
          .hasMessageNotContaining(TestCluster.TENANT_TOKEN);
    }
  }

  @Test
  void theTokenFileIsReadAtEveryCallSoARotatedTokenIsUsed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first\n");
    ServiceAccountToken token = new ServiceAccountToken(file, null);
    assertThat(token.get()).contains("first");
    Files.writeString(file, "second");
    assertThat(token.get()).contains("second");
    assertThat(new ServiceAccountToken(dir.resolve("missing"), null).get()).isEmpty();
  }

  @Test
  void volumeUsersAreTheRunningPodsMountingThePvcByNode() throws Exception {
    ConsistencyBed.Volume v = bed.volume(false);
    bed.cluster.runningPod(ConsistencyBed.NS, "reader", "worker-2", v.pvc());
    bed.cluster.client.resource(new PodBuilder(bed.cluster.runningPod(ConsistencyBed.NS, "done", "worker-4", v.pvc()))
        .editStatus().withPhase("Succeeded").endStatus().build()).update();
    bed.cluster.runningPod(ConsistencyBed.NS, "other", "worker-5", "some-other-pvc");
    var byNode = new VolumeUsers(bed.cluster.client).runningByNode(ConsistencyBed.NS, v.pvc());
    assertThat(byNode).containsOnlyKeys(ConsistencyBed.NODE, "worker-2");
  }
}
