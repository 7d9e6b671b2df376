package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.AgentConfig;
import io.tresor.freeze.AgentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One mock cluster, one in-process agent on loopback, and kubelet-style volumes for tests. */
final class AgentFixture implements AutoCloseable {
  static final String NS = "tenant";
  private static final AtomicInteger SEQ = new AtomicInteger();

  /** A PVC/PV pair mounted by one pod, as known to the mock cluster. */
  record Volume(String pvc, String pv, String podUid, Path mountPath) {}

  final MockCluster cluster = new MockCluster();
  final Path base;
  final Path podsDir;
  final AgentServer agent;
  final FreezerClient velero;
  private final List<AutoCloseable> cleanups = new ArrayList<>();

  AgentFixture() throws IOException {
    this(null);
  }

  /**
   * @param journal where the agent keeps its journal (null: a temp dir)
   * @param extra more agent flags
   */
  AgentFixture(Path journal, String... extra) throws IOException {
    base = Files.createTempDirectory("tresor-freeze-it-");
    podsDir = base.resolve("pods");
    Files.createDirectories(podsDir);
    agent = AgentServer.start(config(podsDir, journal != null ? journal : base.resolve("state/journal"), extra),
        cluster.client);
    velero = new FreezerClient(agent.grpcPort(), MockCluster.VELERO_TOKEN);
  }

  static AgentConfig config(Path podsDir, Path journal, String... extra) {
    List<String> args = new ArrayList<>(List.of("--kubelet-pods-dir=" + podsDir, "--journal=" + journal,
        "--listen-address=127.0.0.1", "--port=0", "--metrics-port=0",
        "--allowed-service-accounts=" + MockCluster.VELERO, "--node-name=" + MockCluster.NODE,
        "--csi-drivers=" + MockCluster.DRIVER, "--token-cache-seconds=0"));
    args.addAll(List.of(extra));
    return AgentConfig.parse(args.toArray(String[]::new), Map.of());
  }

  /** A new PVC, PV and pod in the mock cluster; nothing mounted yet. */
  Volume volume() {
    int n = SEQ.incrementAndGet();
    String pvc = "data-" + n;
    String pv = "pvc-" + n + "-0a1b2c3d";
    cluster.pv(pv, NS, pvc);
    String uid = cluster.pod(NS, "app-" + n, pvc, Map.of("app", "db"));
    return new Volume(pvc, pv, uid, podsDir.resolve(uid).resolve("volumes/kubernetes.io~csi").resolve(pv)
        .resolve("mount"));
  }

  LoopVolume mountExt4(Volume v) throws IOException {
    LoopVolume lv = LoopVolume.ext4(v.mountPath());
    cleanups.add(lv);
    return lv;
  }

  LoopVolume mountTmpfs(Volume v) throws IOException {
    LoopVolume lv = LoopVolume.tmpfs(v.mountPath());
    cleanups.add(lv);
    return lv;
  }

  @Override
  public void close() throws Exception {
    try {
      agent.close();
      velero.close();
    } finally {
      for (AutoCloseable c : cleanups) {
        c.close();
      }
      cluster.close();
      TempTree.delete(base);
    }
  }
}
