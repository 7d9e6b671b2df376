package io.tresor.freeze.client.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.tresor.freeze.AgentConfig;
import io.tresor.freeze.AgentServer;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.freeze.client.FreezeClientConfig;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A test bed for everything that talks to the freeze agent: a mock cluster, the REAL agent in-process on
 * loopback (as node {@link #NODE}, its DaemonSet pod registered), and tenant volumes on loop-mounted ext4.
 * close() thaws (the agent's shutdown thaws all), unmounts and deletes everything.
 */
public final class ConsistencyBed implements AutoCloseable {
  public static final String NODE = "worker-1";
  public static final String NS = "shop";
  private static final AtomicInteger SEQ = new AtomicInteger();

  /** A tenant volume: PVC, PV, the pod that mounts it, and (root only) its mounted ext4. */
  public record Volume(String pvc, String pv, Pod pod, LoopVolume fs) {}

  public final TestCluster cluster = new TestCluster();
  private final Path base;
  private final Path podsDir;
  public final AgentServer agent;
  private final List<AutoCloseable> mounts = new ArrayList<>();

  public ConsistencyBed() throws IOException {
    this(new String[0]);
  }

  /** A bed whose agent also gets the given flags (e.g. {@code --tls-cert=…}, {@code --tls-key=…}). */
  public ConsistencyBed(String... agentFlags) throws IOException {
    base = Files.createTempDirectory("tresor-consistency-");
    podsDir = base.resolve("pods");
    Files.createDirectories(podsDir);
    List<String> flags = new ArrayList<>(List.of("--kubelet-pods-dir=" + podsDir,
        "--journal=" + base.resolve("state/journal"), "--listen-address=127.0.0.1", "--port=0", "--metrics-port=0",
        "--allowed-service-accounts=" + TestCluster.VELERO + "," + TestCluster.WEBHOOK, "--node-name=" + NODE,
        "--csi-drivers=" + TestCluster.DRIVER, "--token-cache-seconds=0"));
    flags.addAll(List.of(agentFlags));
    agent = AgentServer.start(AgentConfig.parse(flags.toArray(String[]::new), Map.of()), cluster.client);
    cluster.agentPod(NODE, agent.grpcPort());
  }

  /** A client configuration whose token file holds the given token. */
  public FreezeClientConfig clientConfig(String token) throws IOException {
    Path file = base.resolve("token-" + UUID.randomUUID());
    Files.writeString(file, token);
    return FreezeClientConfig.defaults(Duration.ofSeconds(5)).withTokenFile(file);
  }

  /** A client as Velero's plugin or the webhook uses it. */
  public FreezeClient client(String token) throws IOException {
    return FreezeClient.create(cluster.client, clientConfig(token));
  }

  /** A bound PVC and its PV, mounted by a running pod on {@link #NODE}; with an ext4 when mounted is true. */
  public Volume volume(boolean mounted) throws IOException {
    int n = SEQ.incrementAndGet();
    String pvc = "data-db-" + n;
    String pv = "pvc-" + UUID.randomUUID();
    cluster.boundPvc(NS, pvc, pv);
    Pod pod = cluster.runningPod(NS, "db-" + n, NODE, pvc);
    LoopVolume fs = null;
    if (mounted) {
      fs = LoopVolume.ext4(podsDir.resolve(pod.getMetadata().getUid()).resolve("volumes/kubernetes.io~csi")
          .resolve(pv).resolve("mount"), 32);
      mounts.add(fs);
    }
    return new Volume(pvc, pv, pod, fs);
  }

  /** What the webhook's /freeze asks for this snapshot (with the webhook's token). */
  public LeaseStatus freezeAsWebhook(Volume v, String snapshot, String backup, int leaseSeconds) throws Exception {
    try (FreezeClient c = client(TestCluster.WEBHOOK_TOKEN)) {
      return c.freeze(NODE, FreezeRequest.newBuilder().setNamespace(NS).setPvc(v.pvc()).setPv(v.pv())
          .addPodUids(v.pod().getMetadata().getUid())
          .setVolumeSnapshot(SnapshotRef.newBuilder().setNamespace(NS).setName(snapshot)
              .setAdmissionRequestUid(UUID.randomUUID().toString()).setBackupName(backup))
          .setLeaseSeconds(leaseSeconds).build());
    }
  }

  @Override
  public void close() throws Exception {
    try {
      agent.close();
    } finally {
      for (AutoCloseable m : mounts) {
        m.close();
      }
      cluster.close();
      try (Stream<Path> files = Files.walk(base)) {
        // nothing is mounted below any more: every LoopVolume was closed above
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
