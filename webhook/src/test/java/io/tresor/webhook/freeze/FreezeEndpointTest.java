package io.tresor.webhook.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.freeze.client.FreezeClient;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.proto.freeze.v1.Consistency;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.freeze.v1.ThawCause;
import io.tresor.webhook.ServerOptions;
import io.tresor.webhook.WebhookApp;
import io.tresor.webhook.cluster.SnapshotClusterView;
import io.tresor.webhook.config.PolicySource;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.support.Https;
import io.tresor.tls.testing.TestCertificates;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through real HTTPS and real gRPC: an AdmissionReview for Velero's VolumeSnapshot → the webhook's
 * {@code /freeze} → the node's agent → a frozen loop ext4 → the snapshot content gets its handle → thawed.
 */
class FreezeEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One more admission on a fresh mounted volume: the time until the apiserver would get its answer. */
    private static long warmAdmissionMs(ConsistencyBed bed, Https https, FreezeClient velero) throws Exception {
        ConsistencyBed.Volume v = bed.volume(true);
        String name = "velero-" + v.pvc() + "-warm";
        var vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly-1");
        long t0 = System.nanoTime();
        HttpResponse<String> r = https.review("/freeze", SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(),
                ConsistencyBed.NS, name, vs.getMetadata().getUid(), SnapshotReviews.pvcSource(v.pvc()),
                SnapshotReviews.VELERO, false));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        try {
            assertThat(v.fs().writable(100)).as("frozen").isFalse();
            assertThat(r.body()).doesNotContain("warnings");
        } finally {
            velero.thaw(ConsistencyBed.NODE, io.tresor.proto.freeze.v1.SnapshotRef.newBuilder()
                    .setNamespace(ConsistencyBed.NS).setName(name).build());
        }
        return ms;
    }

    @Test
    void anAdmittedSnapshotIsFrozenUntilItsContentHasAHandle(@TempDir Path certDir) throws Exception {
        LoopVolume.assumeRoot();
        TestCertificates certificates = TestCertificates.shared();
        certificates.issue(certDir, TestCertificates.KeyFormat.EC_SEC1);
        try (ConsistencyBed bed = new ConsistencyBed();
             FreezeClient agents = bed.client(TestCluster.WEBHOOK_TOKEN);
             FreezeClient velero = bed.client(TestCluster.VELERO_TOKEN);
             WebhookApp app = new WebhookApp(new ServerOptions(certDir, null, "127.0.0.1", 0, 0, null, Duration.ZERO,
                     Duration.ofSeconds(5), Duration.ofSeconds(30), ""), PolicySource.of(PolicyConfig.defaults()),
                     new SnapshotClusterView(JSON.readTree("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}"),
                             "openshift-adp"), () -> true,
                     new FreezeAdmission(new FreezeSettings(SnapshotReviews.VELERO, 60), bed.cluster.client, agents))
                     .start()) {
            Https https = new Https(certificates.clientContext(), app.httpsPort());
            ConsistencyBed.Volume v = bed.volume(true);
            String name = "velero-" + v.pvc() + "-e2e";
            // the mock API server assigns UIDs itself: store the object first and admit it with that UID (the
            // apiserver stores it right after admission; the agent accepts a snapshot that is already there)
            var vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly-1");
            String objectUid = vs.getMetadata().getUid();
            String requestUid = UUID.randomUUID().toString();

            long t0 = System.nanoTime();
            HttpResponse<String> response = https.review("/freeze", SnapshotReviews.volumeSnapshot(requestUid,
                    ConsistencyBed.NS, name, objectUid, SnapshotReviews.pvcSource(v.pvc()), SnapshotReviews.VELERO,
                    false));
            long admissionMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            CompletableFuture<Void> blocked = v.fs().write();
            JsonNode review = JSON.readTree(response.body());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(review.path("response").path("uid").asText()).isEqualTo(requestUid);
            assertThat(review.path("response").path("allowed").asBoolean()).isTrue();
            assertThat(review.path("response").has("warnings")).as(response.body()).isFalse();
            Thread.sleep(200);
            assertThat(blocked).as("frozen after admission").isNotDone();

            // the snapshot controller and the CSI driver cut it
            long t1 = System.nanoTime();
            bed.cluster.cut(vs, Instant.now());
            blocked.get(5, TimeUnit.SECONDS);
            long thawMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);

            LeaseStatus lease = velero.statusAll(ConsistencyBed.NODE).stream()
                    .filter(l -> l.getLeaseId().equals(requestUid)).findFirst().orElseThrow();
            assertThat(lease.getState()).isEqualTo(LeaseState.THAWED);
            assertThat(lease.getThawCause()).isEqualTo(ThawCause.SNAPSHOT_HANDLE);
            assertThat(lease.getConsistency()).isEqualTo(Consistency.FROZEN_AT_CUT);
            // the handle ended it, not the lease timer; its speed is bench/freeze.sh's figure, not a test's
            assertThat(thawMs).as("handle → thawed").isLessThan(5_000);
            assertThat(Https.get(app.adminPort(), "/metrics").body())
                    .contains("endpoint=\"freeze\"");
            long[] warm = new long[5];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = warmAdmissionMs(bed, https, velero);
            }
            java.util.Arrays.sort(warm);
            System.err.println("freeze e2e: first admission (HTTPS + Freeze RPC, cold) " + admissionMs
                    + " ms, warm p50 " + warm[warm.length / 2] + " ms (max " + warm[warm.length - 1]
                    + "), handle -> thawed " + thawMs + " ms, frozen " + lease.getFrozenMs() + " ms");
            assertThat(warm[warm.length / 2]).as("warm admission → frozen").isLessThan(500);
            Files.deleteIfExists(certDir.resolve("tls.crt"));
        }
    }
}
