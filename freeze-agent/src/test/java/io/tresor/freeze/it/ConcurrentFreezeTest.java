package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.proto.freeze.v1.ThawRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Concurrent Freeze calls, thaw by snapshot, and what the tenant and Prometheus see (root only). */
class ConcurrentFreezeTest {
  private static AgentFixture fx;

  @BeforeAll
  static void start() throws Exception {
    LoopVolume.assumeRoot();
    fx = new AgentFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void concurrentFreezesOfOneVolumeShareOneFreezeAndRetriesGetTheSameLease() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume lv = fx.mountExt4(v);
    List<FreezeRequest> requests = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      requests.add(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(), "snap-c" + i, 60));
    }
    requests.add(requests.get(0)); // the same admission request twice
    requests.add(requests.get(1));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<LeaseStatus>> answers = new ArrayList<>();
      for (FreezeRequest r : requests) {
        answers.add(pool.submit((Callable<LeaseStatus>) () -> fx.velero.freeze(r)));
      }
      List<LeaseStatus> leases = new ArrayList<>();
      for (Future<LeaseStatus> f : answers) {
        leases.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(leases).allSatisfy(l -> assertThat(l.getState()).isEqualTo(LeaseState.FROZEN));
      assertThat(leases.stream().map(LeaseStatus::getLeaseId).distinct()).hasSize(6);
      assertThat(leases.stream().filter(l -> !l.getSharedFreeze()).map(LeaseStatus::getLeaseId).distinct())
          .hasSize(1);
      assertThat(fx.agent.agent().ledger().freezes()).hasSize(1);
      assertThat(fx.agent.agent().ledger().freezes().get(0).holders()).hasSize(6);

      List<Future<?>> thaws = new ArrayList<>();
      for (LeaseStatus l : leases) {
        thaws.add(pool.submit(() -> fx.velero.thaw(l.getLeaseId())));
      }
      for (Future<?> f : thaws) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(fx.agent.agent().ledger().freezes()).isEmpty();
      assertThat(lv.thawIfFrozen()).as("left frozen").isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thawBySnapshotEventsAndMetrics() throws Exception {
    AgentFixture.Volume v = fx.volume();
    LoopVolume lv = fx.mountExt4(v);
    LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(),
        "snap-by-ref", 60));
    assertThat(lease.getState()).isEqualTo(LeaseState.FROZEN);
    var thawed = fx.velero.stub.thaw(ThawRequest.newBuilder().setVolumeSnapshot(SnapshotRef.newBuilder()
        .setNamespace(AgentFixture.NS).setName("snap-by-ref")).build());
    assertThat(thawed.getLeasesList()).extracting(LeaseStatus::getLeaseId).containsExactly(lease.getLeaseId());
    assertThat(lv.thawIfFrozen()).isFalse();

    // the tenant's view: events on the VolumeSnapshot (posted asynchronously)
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> reasons = List.of();
    while (System.nanoTime() < end) {
      reasons = fx.cluster.client.v1().events().inNamespace(AgentFixture.NS).list().getItems().stream()
          .filter(e -> "snap-by-ref".equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
      if (reasons.contains("Thawed")) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(reasons).contains("Frozen", "Thawed");
    Event t = fx.cluster.client.v1().events().inNamespace(AgentFixture.NS).list().getItems().stream()
        .filter(e -> "snap-by-ref".equals(e.getInvolvedObject().getName()) && "Thawed".equals(e.getReason()))
        .findFirst().orElseThrow();
    assertThat(t.getMessage()).matches("Thawed after \\d+\\.\\d s \\(thaw_call\\)");
    assertThat(t.getInvolvedObject().getKind()).isEqualTo("VolumeSnapshot");

    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + fx.agent.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("tresor_freeze_thaws_total{cause=\"thaw_call\"}")
        .contains("tresor_freeze_duration_seconds_count");
  }
}
