package io.tresor.freeze.client;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.FreezerGrpc;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.proto.freeze.v1.StatusRequest;
import io.tresor.proto.freeze.v1.ThawRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freezer RPCs to one agent address with the caller's bearer token and a deadline. One channel per address,
 * kept until {@link #close()}, over TLS or plaintext as the {@link AgentTransport} says; every failure becomes an
 * {@link AgentUnavailableException} naming the agent.
 */
public final class FreezerCalls implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger LOG = LoggerFactory.getLogger(FreezerCalls.class);

  private final Supplier<Optional<String>> token;
  private final Duration timeout;
  private final AgentTransport transport;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /**
   * Calls over the transport the config asks for; a plaintext client says so once, here, not at every call.
   *
   * @throws IllegalArgumentException the config's CA bundle (the variable's or the service CA) is missing,
   *     unreadable or empty
   */
  public FreezerCalls(Supplier<Optional<String>> token, Duration timeout, FreezeClientConfig config) {
    this.token = token;
    this.timeout = timeout;
    this.transport = AgentTransport.of(config);
    // info, not warn: inside the plugin every warn line counts as a warning of the backup (Velero's
    // status.warnings), and plaintext is what auto does wherever there is no service CA (vanilla Kubernetes)
    transport.plaintextNotice().ifPresent(LOG::info);
  }

  public LeaseStatus freeze(AgentEndpoint agent, FreezeRequest request) throws AgentUnavailableException {
    return call(agent, "Freeze", stub -> stub.freeze(request).getLease());
  }

  /** Ends every lease of the snapshot (idempotent); the leases as they ended. */
  public List<LeaseStatus> thaw(AgentEndpoint agent, SnapshotRef snapshot) throws AgentUnavailableException {
    return call(agent, "Thaw", stub -> stub.thaw(ThawRequest.newBuilder().setVolumeSnapshot(snapshot).build())
        .getLeasesList());
  }

  /** The agent's record of the snapshot's leases, live or recently ended. */
  public List<LeaseStatus> status(AgentEndpoint agent, SnapshotRef snapshot) throws AgentUnavailableException {
    return call(agent, "Status", stub -> stub.status(StatusRequest.newBuilder().setVolumeSnapshot(snapshot).build())
        .getLeasesList());
  }

  /** Every lease the agent knows, live or recently ended (its consistency record). */
  public List<LeaseStatus> statusAll(AgentEndpoint agent) throws AgentUnavailableException {
    return call(agent, "Status", stub -> stub.status(StatusRequest.getDefaultInstance()).getLeasesList());
  }

  private interface Rpc<T> {
    T on(FreezerGrpc.FreezerBlockingStub stub);
  }

  private <T> T call(AgentEndpoint agent, String method, Rpc<T> rpc) throws AgentUnavailableException {
    String bearer = token.get().orElseThrow(() -> new AgentUnavailableException(
        "no service-account token to authenticate to the freeze agent " + agent.pod()));
    FreezerGrpc.FreezerBlockingStub stub = FreezerGrpc.newBlockingStub(channel(agent))
        .withCallCredentials(new Bearer(bearer))
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return rpc.on(stub);
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      throw new AgentUnavailableException(method + " on freeze agent " + agent.pod() + " (" + agent.address()
          + ", node " + agent.node() + ") failed: " + s.getCode()
          + (s.getDescription() == null ? "" : " " + firstLine(s.getDescription())) + transport.explain(s), e);
    }
  }

  // Netty appends its channel pipeline on a second line: noise in a one-line error
  private static String firstLine(String description) {
    int end = description.indexOf('\n');
    return end < 0 ? description : description.substring(0, end);
  }

  private ManagedChannel channel(AgentEndpoint agent) {
    return channels.computeIfAbsent(agent.address(), a -> transport.channel(agent));
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }

  /** The bearer token as call credentials (gRPC refuses them on plaintext only when asked to). */
  private static final class Bearer extends CallCredentials {
    private final String token;

    Bearer(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      Metadata md = new Metadata();
      md.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(md);
    }

    @Override
    public String toString() {
      return "Bearer(redacted)";
    }
  }
}
