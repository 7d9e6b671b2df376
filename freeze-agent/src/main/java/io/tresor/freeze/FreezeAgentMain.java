package io.tresor.freeze;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tresor.freeze.fs.FsfreezeCommand;
import io.tresor.freeze.grpc.BearerAuthInterceptor;
import io.tresor.freeze.grpc.CallerAuthenticator;
import io.tresor.freeze.grpc.FreezerService;
import io.tresor.freeze.grpc.LeaseMessages;
import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.journal.JournalRecovery;
import io.tresor.freeze.kube.KubeClusterView;
import io.tresor.freeze.kube.KubeSnapshotEvents;
import io.tresor.freeze.kube.KubeSnapshotWatch;
import io.tresor.freeze.kube.KubeTokenReviewer;
import io.tresor.freeze.kube.VolumeEligibility;
import io.tresor.freeze.lease.FreezeLedger;
import io.tresor.freeze.lease.ThawCause;
import io.tresor.freeze.metrics.FreezeMetrics;
import io.tresor.freeze.metrics.MetricsEndpoint;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.Freezability;
import io.tresor.freeze.mount.ProcMountTable;
import io.tresor.freeze.volume.VolumePath;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the node freeze agent: thaws what a previous process left in the journal, then serves
 * the Freezer gRPC API and /metrics. SIGTERM thaws every live freeze before anything else stops.
 */
public final class FreezeAgentMain {
  private static final Logger LOG = LoggerFactory.getLogger(FreezeAgentMain.class);

  private FreezeAgentMain() {}

  public static void main(String[] args) throws Exception {
    AgentConfig config;
    try {
      config = AgentConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("tresor-freeze-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    run(config).awaitTermination();
  }

  /** Wires and starts everything; the returned server runs until the JVM is asked to stop. */
  public static Server run(AgentConfig c) throws Exception {
    ProcMountTable mounts = new ProcMountTable();
    FsfreezeCommand freezer = new FsfreezeCommand(c.fsfreeze(), c.freezeTimeout());
    FileFreezeJournal journal = new FileFreezeJournal(c.journal());
    int recovered = new JournalRecovery(journal, mounts, freezer).thawAll();
    if (recovered > 0) {
      LOG.info("journal: resolved {} freeze(s) left by a previous agent", recovered);
    }

    Set<DeviceNumber> protectedDevices = new HashSet<>();
    List<Path> protectedPaths = new ArrayList<>(c.protectedPaths());
    protectedPaths.add(journal.file().getParent());
    protectedPaths.add(c.kubeletPodsDir());
    for (Path p : protectedPaths) {
      mounts.deviceOf(p).ifPresent(protectedDevices::add);
    }
    Files.createDirectories(c.kubeletPodsDir());

    KubernetesClient client = new KubernetesClientBuilder().build();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lease-timer"));
    ExecutorService worker = Executors.newCachedThreadPool(r -> daemon(r, "agent-worker"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FreezeLedger ledger = new FreezeLedger(2000);
    FreezeMetrics metrics = new FreezeMetrics(registry, () -> ledger.active().size());
    FreezeAgent agent = new FreezeAgent(new FreezeAgent.Parts(new VolumePath(c.kubeletPodsDir()),
        new Freezability(mounts, protectedDevices), freezer, journal, new KubeClusterView(client),
        new VolumeEligibility(c.nodeName(), c.csiDrivers()), new KubeSnapshotWatch(client),
        new KubeSnapshotEvents(client, worker, c.nodeName()), metrics, Clock.systemUTC(), scheduler, worker), ledger);

    CallerAuthenticator auth = new CallerAuthenticator(new KubeTokenReviewer(client), c.allowedServiceAccounts(),
        c.tokenCacheTtl(), Clock.systemUTC());
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(c.listenAddress(), c.port()))
        .addService(ServerInterceptors.intercept(
            new FreezerService(agent, new LeaseMessages(c.defaultLease(), c.maxLease())),
            new BearerAuthInterceptor(auth, metrics)))
        .build();
    MetricsEndpoint metricsEndpoint =
        new MetricsEndpoint(new InetSocketAddress(c.listenAddress(), c.metricsPort()), registry);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Thaw first: everything after this may hang or fail, a frozen filesystem must not.
      agent.thawAll(ThawCause.SHUTDOWN);
      LOG.info("shutdown: all freezes thawed");
      server.shutdown();
      try {
        server.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      metricsEndpoint.close();
      client.close();
    }, "thaw-on-shutdown"));
    server.start();
    // One parseable line: tests and the bench read the ports from it.
    System.out.println("tresor-freeze-agent ready grpc=" + server.getPort() + " metrics=" + metricsEndpoint.port()
        + " journal=" + journal.file() + " protected=" + protectedDevices);
    System.out.flush();
    return server;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
