package io.tresor.freeze.it;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.tresor.proto.freeze.v1.FreezeRequest;
import io.tresor.proto.freeze.v1.FreezerGrpc;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.SnapshotRef;
import io.tresor.proto.freeze.v1.StatusRequest;
import io.tresor.proto.freeze.v1.ThawRequest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the agent over loopback, with a bearer token the way the webhook sends it. */
final class FreezerClient implements AutoCloseable {
  private final ManagedChannel channel;
  final FreezerGrpc.FreezerBlockingStub stub;

  FreezerClient(int port, String token) {
    this(port, token, InsecureChannelCredentials.create());
  }

  FreezerClient(int port, String token, io.grpc.ChannelCredentials credentials) {
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    Metadata md = new Metadata();
    if (token != null) {
      md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    stub = FreezerGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static FreezeRequest request(String namespace, String pvc, String pv, String podUid, String snapshotName,
                               int leaseSeconds) {
    return FreezeRequest.newBuilder().setNamespace(namespace).setPvc(pvc).setPv(pv).addPodUids(podUid)
        .setVolumeSnapshot(SnapshotRef.newBuilder().setNamespace(namespace).setName(snapshotName)
            .setAdmissionRequestUid(UUID.randomUUID().toString()).setBackupName("nightly"))
        .setLeaseSeconds(leaseSeconds).build();
  }

  LeaseStatus freeze(FreezeRequest r) {
    return stub.freeze(r).getLease();
  }

  LeaseStatus thaw(String leaseId) {
    return stub.thaw(ThawRequest.newBuilder().setLeaseId(leaseId).build()).getLeases(0);
  }

  LeaseStatus status(String leaseId) {
    return stub.status(StatusRequest.newBuilder().setLeaseId(leaseId).build()).getLeases(0);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
