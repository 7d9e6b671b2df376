package io.tresor.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.tls.testing.TestCertificates;
import io.tresor.webhook.freeze.SnapshotReviews;
import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.WebhookProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook as its own JVM at TRACE ({@code TRESOR_LOG_LEVEL}) against the mock API server and a real freeze agent:
 * tresor's debug lines appear; the tokens it sends and receives, the tenant's key and the wire traffic do not.
 */
class DebugLogTest {
    /** The webhook's service-account token as fabric8 sends it to the API server. */
    private static final String API_TOKEN = "webhook-sa-token-7c41e2b9";
    /** What an apiserver that authenticates to its webhooks sends with every review. */
    private static final String APISERVER_TOKEN = "apiserver-to-webhook-token-3a9d";
    /** The tenant's SSE-C key, 32 bytes. */
    private static final String KEY = "TRESOR-FAKE-SSE-C-KEY-0123456789";
    private static final String KEY_BASE64 = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @Test
    void traceShowsTresorsDebugLinesButNoTokenNoKeyAndNoWireTraffic() throws Exception {
        assertThat(getClass().getClassLoader().getResource("simplelogger.properties").toString())
                .as("the shipped simplelogger.properties is the one the process reads (a stale copy in "
                        + "target/test-classes hides it: mvn clean)").doesNotContain("test-classes");
        TestCertificates certificates = TestCertificates.shared();
        certificates.issue(dir.resolve("tls"), TestCertificates.KeyFormat.EC_SEC1);
        // the /freeze calls carry the token of this file (the projected service-account token in a pod)
        Path tokenFile = Files.writeString(dir.resolve("token"), TestCluster.WEBHOOK_TOKEN);
        try (ConsistencyBed bed = new ConsistencyBed()) {
            bed.cluster.client.resource(new SecretBuilder().withNewMetadata().withName("aws-creds")
                    .withNamespace(ConsistencyBed.NS).addToLabels("tresor.io/sse-c-key", "true").endMetadata()
                    .addToData("cloud", Base64.getEncoder().encodeToString("[default]\n".getBytes()))
                    .addToData("customer-key", KEY_BASE64).build()).create();
            try (WebhookProcess webhook = WebhookProcess.start(List.of("-Dkubernetes.master=" + bed.cluster.url(),
                    "-Dkubernetes.auth.token=" + API_TOKEN, "-Dkubernetes.auth.tryKubeConfig=false",
                    "-Dkubernetes.auth.tryServiceAccount=false", "-Dkubernetes.trust.certificates=true"),
                    List.of("--cert-dir", dir.resolve("tls").toString(), "--shutdown-delay-seconds", "0"),
                    Map.of("TRESOR_LOG_LEVEL", "trace", "TRESOR_FREEZE_TOKEN_FILE", tokenFile.toString()),
                    dir.resolve("webhook.log"))) {
                webhook.awaitReady();
                Https https = new Https(certificates.clientContext(), webhook.httpsPort);
                // a location with the tenant's key: the webhook reads the key Secret from the API server
                assertThat(validate(https, "nabsl-valid").body()).contains("\"allowed\":true");
                // a key Secret itself: the key is in the review's body
                assertThat(validate(https, "secret-change-unused-key").body()).contains("\"allowed\":true");
                freezeUntilTheAgentAnswers(bed, https);
                // a snapshot that is not Velero's: tresor's debug line
                https.review("/freeze", SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(), ConsistencyBed.NS,
                        "mine", SnapshotReviews.pvcSource("data"), "alice", false));
                assertThat(webhook.stop()).as("exited after SIGTERM").isTrue();
                String log = webhook.log();
                assertThat(log).as("the default level was raised").contains("DEBUG io.fabric8.kubernetes.client");
                assertThat(log).contains("DEBUG io.tresor.webhook.freeze.FreezeAdmission - VolumeSnapshot shop/mine: "
                        + "no freeze");
                // each decision, with who asked (the review cases' requester)
                assertThat(log).containsPattern("DEBUG io\\.tresor\\.webhook\\.admission\\.Metered - /validate CREATE "
                        + "NonAdminBackupStorageLocation " + ConsistencyBed.NS + "/\\S+ by \\S+: allowed in \\d+ us");
                assertThat(log).doesNotContain(API_TOKEN).doesNotContain(TestCluster.WEBHOOK_TOKEN)
                        .doesNotContain(APISERVER_TOKEN).doesNotContain(KEY).doesNotContain(KEY_BASE64)
                        .doesNotContain("HEADERS:");
            }
        }
    }

    /** A table case moved into the bed's namespace, sent the way an authenticating apiserver sends it. */
    private static HttpResponse<String> validate(Https https, String name) throws Exception {
        ReviewCase c = ReviewCase.load("allow").stream().filter(r -> r.name().endsWith("/" + name)).findFirst()
                .orElseThrow();
        String review = c.review().toString().replace("team-a", ConsistencyBed.NS)
                .replace("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", KEY_BASE64);
        return https.post("/validate", review.getBytes(StandardCharsets.UTF_8), "application/json",
                "Authorization", "Bearer " + APISERVER_TOKEN);
    }

    /**
     * Velero's snapshot of a PVC on the agent's node: the webhook calls the agent over gRPC. The first call of a
     * process may miss its 2 s deadline while gRPC's classes load on this shared machine; a later one does not.
     */
    private static void freezeUntilTheAgentAnswers(ConsistencyBed bed, Https https) throws Exception {
        ConsistencyBed.Volume v = bed.volume(false);
        String last = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            String name = "velero-" + v.pvc() + "-" + attempt;
            var vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly-1");
            last = https.review("/freeze", SnapshotReviews.volumeSnapshot(UUID.randomUUID().toString(),
                    ConsistencyBed.NS, name, vs.getMetadata().getUid(), SnapshotReviews.pvcSource(v.pvc()),
                    SnapshotReviews.VELERO, false)).body();
            if (!last.contains("unavailable")) {
                return;
            }
        }
        throw new AssertionError("the agent never answered the webhook: " + last);
    }
}
