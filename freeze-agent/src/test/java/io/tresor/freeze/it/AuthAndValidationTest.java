package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may call, and what a call may name: refused before anything touches a filesystem. */
class AuthAndValidationTest {
  private static AgentFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new AgentFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static FreezeRequest anyRequest(AgentFixture.Volume v) {
    return FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(), "snap-a", 5);
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void aWrongTokenNoTokenAndAnUnknownServiceAccountAreRefused() throws Exception {
    AgentFixture.Volume v = fx.volume();
    int port = fx.agent.grpcPort();
    int leasesBefore = fx.agent.agent().ledger().all().size();
    try (FreezerClient wrong = new FreezerClient(port, "not-a-valid-token");
         FreezerClient none = new FreezerClient(port, null);
         FreezerClient tenant = new FreezerClient(port, MockCluster.TENANT_TOKEN)) {
      assertThat(codeOf(() -> wrong.freeze(anyRequest(v)))).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(codeOf(() -> none.freeze(anyRequest(v)))).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(codeOf(() -> tenant.freeze(anyRequest(v)))).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(codeOf(() -> tenant.stub.status(io.tresor.proto.freeze.v1.StatusRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertThat(fx.agent.agent().ledger().all()).hasSize(leasesBefore);
  }

  @Test
  void pathTricksAreInvalidArguments() {
    AgentFixture.Volume v = fx.volume();
    for (FreezeRequest bad : new FreezeRequest[] {
        anyRequest(v).toBuilder().setPv("..").build(),
        anyRequest(v).toBuilder().setPv("../../../../etc").build(),
        anyRequest(v).toBuilder().clearPodUids().addPodUids("../" + v.podUid()).build(),
        anyRequest(v).toBuilder().clearPodUids().addPodUids(v.podUid() + "/../..").build()}) {
      assertThatThrownBy(() -> fx.velero.freeze(bad)).isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
              .isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
  }

  @Test
  void anotherPodsUidOrAnotherNamespacesPvIsSkipped() {
    AgentFixture.Volume mine = fx.volume();
    // a pod of another tenant that mounts its own PVC
    String otherUid = fx.cluster.pod("victim", "db-0", "secret-data", java.util.Map.of());
    LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, mine.pvc(), mine.pv(), otherUid,
        "snap-b", 5));
    assertThat(lease.getState()).isEqualTo(LeaseState.SKIPPED);
    assertThat(lease.getSkipCode()).isEqualTo("pod-mismatch");

    fx.cluster.pv("pv-victim", "victim", "secret-data");
    LeaseStatus other = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, mine.pvc(), "pv-victim",
        mine.podUid(), "snap-c", 5));
    assertThat(other.getSkipCode()).isEqualTo("pv-not-bound-to-pvc");
  }

  @Test
  void virtLauncherPodsAreSkipped() {
    fx.cluster.pv("pv-vm", AgentFixture.NS, "vm-disk");
    String uid = fx.cluster.pod(AgentFixture.NS, "virt-launcher-vm1-x7k2p", "vm-disk",
        java.util.Map.of("kubevirt.io", "virt-launcher"));
    LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, "vm-disk", "pv-vm", uid, "s", 5));
    assertThat(lease.getSkipCode()).isEqualTo("virt-launcher");
    assertThat(lease.getSkipReason()).contains("KubeVirt");
  }

  @Test
  void aPlainDirectoryIsNeverFrozen() throws Exception {
    AgentFixture.Volume v = fx.volume();
    java.nio.file.Files.createDirectories(v.mountPath());
    LeaseStatus lease = fx.velero.freeze(anyRequest(v));
    assertThat(lease.getState()).isEqualTo(LeaseState.SKIPPED);
    assertThat(lease.getSkipCode()).isEqualTo("not-mount-point");
    // a repeated call with the same admission request UID answers the same lease
    assertThat(fx.velero.freeze(anyRequest(v).toBuilder().setVolumeSnapshot(
        lease.getVolumeSnapshot()).build()).getLeaseId()).isEqualTo(lease.getLeaseId());
  }

  @Test
  void metricsAreServedAsPrometheusText() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + fx.agent.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("tresor_freeze_active").contains("tresor_freeze_duration_seconds");
  }
}
