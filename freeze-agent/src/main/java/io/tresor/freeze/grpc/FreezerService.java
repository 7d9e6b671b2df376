package io.tresor.freeze.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tresor.freeze.FreezeAgent;
import io.tresor.freeze.lease.FreezeLease;
import io.tresor.freeze.lease.ThawCause;
import io.tresor.freeze.volume.InvalidVolumeReference;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.FreezeResponse;
import io.tresor.proto.freeze.v1.FreezerGrpc;
import io.tresor.proto.freeze.v1.StatusRequest;
import io.tresor.proto.freeze.v1.StatusResponse;
import io.tresor.proto.freeze.v1.ThawRequest;
import io.tresor.proto.freeze.v1.ThawResponse;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC adapter of {@link FreezeAgent}: wire ↔ domain, errors → status codes. */
public final class FreezerService extends FreezerGrpc.FreezerImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(FreezerService.class);

  private final FreezeAgent agent;
  private final LeaseMessages messages;

  public FreezerService(FreezeAgent agent, LeaseMessages messages) {
    this.agent = agent;
    this.messages = messages;
  }

  @Override
  public void freeze(FreezeRequest request, StreamObserver<FreezeResponse> out) {
    answer(out, () -> {
      long t0 = System.nanoTime();
      FreezeLease lease = agent.freeze(messages.request(request));
      LOG.debug("Freeze answered in {} ms", (System.nanoTime() - t0) / 1e6);
      return FreezeResponse.newBuilder().setLease(LeaseMessages.status(lease)).build();
    });
  }

  @Override
  public void thaw(ThawRequest request, StreamObserver<ThawResponse> out) {
    answer(out, () -> {
      List<FreezeLease> leases = switch (request.getTargetCase()) {
        case LEASE_ID -> agent.thaw(LeaseMessages.leaseId(request.getLeaseId()), ThawCause.THAW_CALL)
            .map(List::of).orElse(List.of());
        case VOLUME_SNAPSHOT -> agent.thawSnapshot(messages.snapshot(request.getVolumeSnapshot()),
            ThawCause.THAW_CALL);
        case TARGET_NOT_SET -> throw new InvalidVolumeReference("name a lease_id or a volume_snapshot to thaw");
      };
      return ThawResponse.newBuilder().addAllLeases(leases.stream().map(LeaseMessages::status).toList()).build();
    });
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    answer(out, () -> {
      List<FreezeLease> leases = switch (request.getTargetCase()) {
        case LEASE_ID -> agent.ledger().find(LeaseMessages.leaseId(request.getLeaseId())).map(List::of)
            .orElse(List.of());
        case VOLUME_SNAPSHOT -> agent.leasesOf(messages.snapshot(request.getVolumeSnapshot()));
        case TARGET_NOT_SET -> agent.ledger().all();
      };
      return StatusResponse.newBuilder().addAllLeases(leases.stream().map(LeaseMessages::status).toList()).build();
    });
  }

  private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (InvalidVolumeReference e) {
      LOG.warn("refused call from {}: {}", BearerAuthInterceptor.CALLER.get(), e.getMessage());
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      LOG.error("call from {} failed", BearerAuthInterceptor.CALLER.get(), e);
      out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
