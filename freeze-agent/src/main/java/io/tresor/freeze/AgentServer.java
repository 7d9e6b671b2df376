package io.tresor.freeze;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FsfreezeCommand;
import io.tresor.freeze.fs.IoctlFreezer;
import io.tresor.freeze.grpc.BearerAuthInterceptor;
import io.tresor.freeze.grpc.CallerAuthenticator;
import io.tresor.freeze.grpc.FreezerService;
import io.tresor.freeze.grpc.LeaseMessages;
import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
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
import io.tresor.freeze.tls.CertificateReloader;
import io.tresor.freeze.volume.VolumePath;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: journal recovery done, gRPC Freezer and /metrics serving. {@link #close()}
 * thaws every live freeze before it stops anything else.
 */
public final class AgentServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);

  private final FreezeAgent agent;
  private final Server server;
  private final MetricsEndpoint metrics;
  private final ExecutorService worker;
  private final ScheduledExecutorService scheduler;
  private final KubeClusterView cluster;
  private final CertificateReloader certificate;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AgentServer(FreezeAgent agent, Server server, MetricsEndpoint metrics, ExecutorService worker,
                      ScheduledExecutorService scheduler, KubeClusterView cluster, CertificateReloader certificate) {
    this.cluster = cluster;
    this.certificate = certificate;
    this.agent = agent;
    this.server = server;
    this.metrics = metrics;
    this.worker = worker;
    this.scheduler = scheduler;
  }

  /**
   * Wires and starts everything against the given cluster client.
   *
   * @throws io.tresor.tls.UnusableCertificateException when {@code --tls-cert}/{@code --tls-key} cannot be
   *     served (before any thread or server is started)
   */
  public static AgentServer start(AgentConfig c, KubernetesClient client) throws IOException {
    ProcMountTable mounts = new ProcMountTable();
    FilesystemFreezer freezer = c.freezer().equals("fsfreeze")
        ? new FsfreezeCommand(c.fsfreeze(), c.freezeTimeout()) : new IoctlFreezer();
    FileFreezeJournal journal = new FileFreezeJournal(c.journal());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FreezeLedger ledger = new FreezeLedger(2000);
    FreezeMetrics meters = new FreezeMetrics(registry, () -> ledger.active().size());
    // before serving: a previous process's freezes end first
    for (JournalEntry e : new JournalRecovery(journal, mounts, freezer).thawAll()) {
      meters.thawed(ThawCause.STARTUP_JOURNAL, Duration.between(e.recordedAt(), Instant.now()));
    }
    Files.createDirectories(c.kubeletPodsDir());
    Set<DeviceNumber> protectedDevices = new HashSet<>();
    List<Path> protectedPaths = new ArrayList<>(c.protectedPaths());
    protectedPaths.add(journal.file().getParent());
    protectedPaths.add(c.kubeletPodsDir());
    for (Path p : protectedPaths) {
      mounts.deviceOf(p).ifPresent(protectedDevices::add);
    }
    LOG.info("never freezing devices {} (of {})", protectedDevices, protectedPaths);
    // after the journal's thaws (a previous process's freezes end even when the certificate is broken), before
    // anything is started that would have to be stopped again
    CertificateReloader certificate = c.tlsCert().isEmpty() ? null
        : CertificateReloader.start(Path.of(c.tlsCert()), Path.of(c.tlsKey()), c.tlsReload());

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lease-timer"));
    ExecutorService worker = Executors.newCachedThreadPool(r -> daemon(r, "agent-worker"));
    KubeClusterView cluster = new KubeClusterView(client, c.nodeName());
    FreezeAgent agent = new FreezeAgent(new FreezeAgent.Parts(new VolumePath(c.kubeletPodsDir()),
        new Freezability(mounts, protectedDevices), mounts, freezer, journal, cluster,
        new VolumeEligibility(c.nodeName(), c.csiDrivers()), new KubeSnapshotWatch(client, c.groupSnapshotVersion()),
        new KubeSnapshotEvents(client, worker, c.nodeName()), meters, Clock.systemUTC(), scheduler, worker,
        c.maxLease()), ledger);
    agent.resumeJournalThaws();
    Clock clock = Clock.systemUTC();
    meters.state(agent::pendingThaws, () -> ledger.oldestFreeze()
        .map(at -> Math.max(0, Duration.between(at, clock.instant()).toNanos() / 1e9)).orElse(0.0), c.maxLease());

    CallerAuthenticator auth = new CallerAuthenticator(new KubeTokenReviewer(client), c.allowedServiceAccounts(),
        c.tokenCacheTtl(), Clock.systemUTC());
    // bearer tokens travel in the metadata: with a serving certificate they never cross the network in clear
    ServerCredentials credentials = certificate == null ? InsecureServerCredentials.create()
        : TlsServerCredentials.newBuilder().keyManager(certificate.keyManager()).build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(c.listenAddress(), c.port()), credentials)
        .addService(ServerInterceptors.intercept(
            new FreezerService(agent, new LeaseMessages(c.defaultLease(), c.maxLease())),
            new BearerAuthInterceptor(auth, meters)))
        .build()
        .start();
    MetricsEndpoint endpoint = new MetricsEndpoint(new InetSocketAddress(c.listenAddress(), c.metricsPort()), registry);
    LOG.info("serving Freezer ({}) on {}:{}, metrics on port {}", c.tlsCert().isEmpty() ? "plaintext" : "TLS",
        c.listenAddress(), server.getPort(), endpoint.port());
    return new AgentServer(agent, server, endpoint, worker, scheduler, cluster, certificate);
  }

  public FreezeAgent agent() {
    return agent;
  }

  public int grpcPort() {
    return server.getPort();
  }

  public int metricsPort() {
    return metrics.port();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Thaws everything, then stops serving. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // waits for Freezes under way (they may be inside FIFREEZE) and thaws them too
    agent.thawAll(ThawCause.SHUTDOWN);
    server.shutdown();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    // once more while the lease timer and workers still run: nothing frozen by this process may outlive it
    agent.thawAll(ThawCause.SHUTDOWN);
    LOG.info("shutdown: every freeze thawed");
    metrics.close();
    cluster.close();
    if (certificate != null) {
      certificate.close();
    }
    scheduler.shutdownNow();
    worker.shutdown();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
