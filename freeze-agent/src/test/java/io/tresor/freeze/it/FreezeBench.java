package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * bench/freeze.sh: the real agent (its own JVM) over gRPC, a loop-mounted ext4, the mock API
 * server in this JVM. Prints one line: freeze call p50, handle→writable p50, worst lease overrun.
 */
public final class FreezeBench {
  private FreezeBench() {}

  public static void main(String[] args) throws Exception {
    if (!LoopVolume.isRoot()) {
      System.err.println("bench/freeze.sh needs root (loop device, mount, FIFREEZE)");
      System.exit(2);
    }
    int freezes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int handles = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int leases = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path base = Files.createTempDirectory("tresor-freeze-bench-");
    Path pods = base.resolve("pods");
    try (MockCluster cluster = new MockCluster()) {
      cluster.pv("pvc-bench", AgentFixture.NS, "data");
      String uid = cluster.pod(AgentFixture.NS, "db-0", "data", Map.of());
      Path mount = pods.resolve(uid).resolve("volumes/kubernetes.io~csi/pvc-bench/mount");
      try (LoopVolume volume = LoopVolume.ext4(mount);
           AgentProcess agent = AgentProcess.start(cluster.url(), pods, base.resolve("state/journal"),
               base.resolve("agent.log"));
           FreezerClient c = new FreezerClient(agent.grpcPort, MockCluster.VELERO_TOKEN)) {
        List<Double> freezeMs = new ArrayList<>();
        for (int i = 0; i < freezes + 5; i++) {
          long t0 = System.nanoTime();
          LeaseStatus l = c.freeze(FreezerClient.request(AgentFixture.NS, "data", "pvc-bench", uid, "s-" + i, 60));
          double ms = (System.nanoTime() - t0) / 1e6;
          require(l.getState() == LeaseState.FROZEN, l.getSkipReason());
          c.thaw(l.getLeaseId());
          if (i >= 5) { // the first calls warm up the JIT and the connection
            freezeMs.add(ms);
          }
        }

        // for the record (stderr): a Status round trip is the floor of any call on this machine
        List<Double> statusMs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          c.stub.status(io.tresor.proto.freeze.v1.StatusRequest.newBuilder().setLeaseId("none").build());
          statusMs.add((System.nanoTime() - t0) / 1e6);
        }
        System.err.printf("status_call_ms_p50=%.1f freeze_call_ms_min=%.1f freeze_call_ms_max=%.1f%n",
            p50(statusMs), Collections.min(freezeMs), Collections.max(freezeMs));

        List<Double> handleMs = new ArrayList<>();
        for (int i = 0; i < handles; i++) {
          String name = "snap-h-" + i;
          LeaseStatus l = c.freeze(FreezerClient.request(AgentFixture.NS, "data", "pvc-bench", uid, name, 60));
          require(l.getState() == LeaseState.FROZEN, l.getSkipReason());
          GenericKubernetesResource vs = cluster.snapshot(AgentFixture.NS, name, "data", "nightly");
          String content = cluster.bindContent(vs);
          awaitStatus(c, l.getLeaseId(), s -> !s.getVolumeSnapshot().getUid().isEmpty());
          Thread.sleep(300); // the agent opens its content watch
          GenericKubernetesResource cut = cluster.prepareCut(content, System.currentTimeMillis() * 1_000_000L);
          CompletableFuture<Void> blocked = LoopVolume.write(mount.resolve("f"));
          Thread.sleep(50);
          require(!blocked.isDone(), "writer was not blocked");
          long t0 = System.nanoTime();
          cluster.applyCut(cut);
          blocked.get(10, TimeUnit.SECONDS);
          handleMs.add((System.nanoTime() - t0) / 1e6);
          awaitStatus(c, l.getLeaseId(), s -> s.getState() == LeaseState.THAWED);
        }

        long worstOverrun = 0;
        for (int i = 0; i < leases; i++) {
          LeaseStatus l = c.freeze(FreezerClient.request(AgentFixture.NS, "data", "pvc-bench", uid, "", 1));
          LeaseStatus done = awaitStatus(c, l.getLeaseId(), s -> s.getState() == LeaseState.THAWED);
          worstOverrun = Math.max(worstOverrun, done.getThawedAtUnixMs() - done.getExpiresAtUnixMs());
        }
        require(!volume.thawIfFrozen(), "the volume was left frozen");
        System.out.printf("freeze_call_ms_p50=%.1f thaw_after_handle_ms_p50=%.1f lease_overrun_ms=%d%n",
            p50(freezeMs), p50(handleMs), worstOverrun);
      }
    } finally {
      TempTree.delete(base);
    }
  }

  private static LeaseStatus awaitStatus(FreezerClient c, String id,
                                         java.util.function.Predicate<LeaseStatus> done) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      LeaseStatus s = c.status(id);
      if (done.test(s)) {
        return s;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("lease " + id + " did not reach the expected state: " + c.status(id));
  }

  private static double p50(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }
}
