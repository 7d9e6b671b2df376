package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent process dies during a freeze: SIGKILL leaves it to the journal, SIGTERM thaws at once (root only). */
class AgentProcessTest {
  private MockCluster cluster;
  private Path base;
  private Path podsDir;
  private Path journal;
  private LoopVolume volume;
  private String pvc;
  private String pv;
  private String podUid;

  @BeforeEach
  void setUp() throws Exception {
    LoopVolume.assumeRoot();
    cluster = new MockCluster();
    base = Files.createTempDirectory("tresor-freeze-proc-");
    podsDir = base.resolve("pods");
    journal = base.resolve("state/journal");
    pvc = "data";
    pv = "pvc-9d8c7b6a";
    cluster.pv(pv, AgentFixture.NS, pvc);
    podUid = cluster.pod(AgentFixture.NS, "db-0", pvc, Map.of());
    volume = LoopVolume.ext4(podsDir.resolve(podUid).resolve("volumes/kubernetes.io~csi").resolve(pv)
        .resolve("mount"));
  }

  @AfterEach
  void tearDown() {
    if (volume != null) {
      volume.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    TempTree.delete(base);
  }

  private LeaseStatus freeze(AgentProcess agent) {
    try (FreezerClient c = new FreezerClient(agent.grpcPort, MockCluster.VELERO_TOKEN)) {
      return c.freeze(FreezerClient.request(AgentFixture.NS, pvc, pv, podUid, "snap-proc", 120));
    }
  }

  @Test
  void aKilledAgentsFreezeIsThawedFromTheJournalOnRestart() throws Exception {
    CompletableFuture<Void> blocked;
    try (AgentProcess agent = AgentProcess.start(cluster.url(), podsDir, journal, base.resolve("agent-1.log"))) {
      LeaseStatus lease = freeze(agent);
      assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
      assertThat(new FileFreezeJournal(journal).entries()).hasSize(1);
      agent.kill9();
      blocked = LoopVolume.write(volume.mountPoint.resolve("f"));
      Thread.sleep(300);
      assertThat(blocked).as("still frozen after kill -9").isNotDone();
    }
    try (AgentProcess restarted = AgentProcess.start(cluster.url(), podsDir, journal, base.resolve("agent-2.log"))) {
      blocked.get(5, TimeUnit.SECONDS);
      assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
      assertThat(Files.readString(base.resolve("agent-2.log"))).contains("thawed").contains("left by a previous agent");
      assertThat(restarted.sigterm()).isIn(0, 130, 143);
    }
  }

  @Test
  void sigtermDuringAFreezeStillInsideFifreezeThawsItBeforeTheAgentExits() throws Exception {
    try (LoopVolume.WriteHold writer = LoopVolume.holdWrite(volume.mountPoint.resolve("w"));
         AgentProcess agent = AgentProcess.start(cluster.url(), podsDir, journal, base.resolve("agent.log"))) {
      CompletableFuture<Void> call = CompletableFuture.runAsync(() -> freeze(agent));
      // the journal is written just before the ioctl
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (new FileFreezeJournal(journal).entries().isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      Thread.sleep(300);
      assertThat(call).as("Freeze waits in FIFREEZE for the writer").isNotDone();
      agent.process.destroy();   // SIGTERM
      Thread.sleep(500);
      writer.release();          // FIFREEZE completes while the agent stops
      assertThat(agent.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(volume.thawIfFrozen()).as("left frozen by the exited agent").isFalse();
      assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
    }
  }

  @Test
  void sigtermThawsBeforeTheAgentExits() throws Exception {
    try (AgentProcess agent = AgentProcess.start(cluster.url(), podsDir, journal, base.resolve("agent.log"))) {
      LeaseStatus lease = freeze(agent);
      assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
      CompletableFuture<Void> blocked = LoopVolume.write(volume.mountPoint.resolve("f"));
      Thread.sleep(200);
      assertThat(blocked).isNotDone();
      agent.sigterm();
      assertThat(blocked).as("thawed by the time the process ended").succeedsWithin(java.time.Duration.ofSeconds(2));
      assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
      assertThat(Files.readString(base.resolve("agent.log"))).contains("SHUTDOWN");
    }
  }
}
