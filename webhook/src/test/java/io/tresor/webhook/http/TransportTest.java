package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.policy.SecretFacts;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transport rules: content type, size, malformed bodies, fail-closed, probes and metrics. */
class TransportTest {

    private static final AtomicBoolean BROKEN = new AtomicBoolean();
    private static final AtomicBoolean SYNCED = new AtomicBoolean(true);
    private static RunningWebhook webhook;
    private static ReviewCase valid;

    @BeforeAll
    static void start() throws Exception {
        valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nabsl-valid")).findFirst().orElseThrow();
        ClusterView real = valid.clusterView();
        webhook = new RunningWebhook(PolicyConfig.defaults(), new Flaky(real), SYNCED::get);
    }

    @AfterAll
    static void stop() throws Exception {
        webhook.close();
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = webhook.https.post("/validate", valid.reviewBytes(), "text/plain");
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("application/json").doesNotContain("Exception");
        assertThat(webhook.https.post("/validate", valid.reviewBytes(), null).statusCode()).isEqualTo(415);
        assertThat(webhook.https.post("/validate", valid.reviewBytes(), "application/json; charset=utf-8")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesOverThreeMebibytesAre413() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 1];
        Arrays.fill(big, (byte) ' ');
        HttpResponse<String> response = webhook.https.review("/validate", big);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void malformedJsonIs400WithoutStackTrace() throws Exception {
        for (String body : List.of("{", "[]", "null", "{\"apiVersion\":\"admission.k8s.io/v1\"}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\"}}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\","
                        + "\"kind\":{\"kind\":\"NonAdminBackup\"},\"operation\":\"PATCH\"}}",
                "[".repeat(5000))) {
            HttpResponse<String> response = webhook.https.review("/validate", body.getBytes(StandardCharsets.UTF_8));
            assertThat(response.statusCode()).as(body.length() > 50 ? body.substring(0, 50) : body).isEqualTo(400);
            assertThat(response.body()).startsWith("malformed AdmissionReview").doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void anInternalErrorOnValidateDenies() throws Exception {
        BROKEN.set(true);
        try {
            HttpResponse<String> response = webhook.https.review("/validate", valid.reviewBytes());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = ReviewCase.JSON.readTree(response.body());
            assertThat(body.path("response").path("allowed").asBoolean()).isFalse();
            assertThat(body.path("response").path("status").path("code").asInt()).isEqualTo(403);
            assertThat(body.path("response").path("status").path("message").asText())
                    .contains("internal error", "refused to stay safe", "tresor-webhook logs")
                    .doesNotContain("synthetic lookup failure");
        } finally {
            BROKEN.set(false);
        }
        HttpResponse<String> healthy = webhook.https.review("/validate", valid.reviewBytes());
        assertThat(ReviewCase.JSON.readTree(healthy.body()).path("response").path("allowed").asBoolean()).isTrue();
        // told apart from policy denials in the metrics (decision "error"), so that it can be alerted on
        String metrics = io.tresor.webhook.support.Https.get(webhook.app.adminPort(), "/metrics").body();
        assertThat(metrics).contains("tresor_webhook_admission_seconds_count{decision=\"error\",endpoint=\"validate\","
                + "kind=\"NonAdminBackupStorageLocation\",operation=\"CREATE\"} 1");
    }

    @Test
    void unknownPathsAndMethodsAreNotServed() throws Exception {
        assertThat(webhook.https.review("/freeze-everything", valid.reviewBytes()).statusCode()).isEqualTo(404);
    }

    @Test
    void probesFollowReadiness() throws Exception {
        int admin = webhook.app.adminPort();
        assertThat(io.tresor.webhook.support.Https.get(admin, "/healthz").statusCode()).isEqualTo(200);
        assertThat(io.tresor.webhook.support.Https.get(admin, "/readyz").statusCode()).isEqualTo(200);
        SYNCED.set(false);
        try {
            HttpResponse<String> unready = io.tresor.webhook.support.Https.get(admin, "/readyz");
            assertThat(unready.statusCode()).isEqualTo(503);
            assertThat(unready.body()).contains("caches not synced");
        } finally {
            SYNCED.set(true);
        }
    }

    @Test
    void metricsCountDecisionsAndExposeCertificateExpiry() throws Exception {
        webhook.https.review("/validate", valid.reviewBytes());
        String crafted = new String(valid.reviewBytes(), StandardCharsets.UTF_8)
                .replace("\"kind\":\"NonAdminBackupStorageLocation\"", "\"kind\":\"Crafted123\"");
        assertThat(webhook.https.review("/validate", crafted.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        String metrics = io.tresor.webhook.support.Https.get(webhook.app.adminPort(), "/metrics").body();
        assertThat(metrics).contains("tresor_webhook_admission_seconds_count{decision=\"allowed\",endpoint=\"validate\","
                + "kind=\"NonAdminBackupStorageLocation\",operation=\"CREATE\"}");
        assertThat(metrics).contains("tresor_webhook_admission_seconds_bucket{").contains("le=\"0.005\"");
        assertThat(metrics).contains("kind=\"other\"").doesNotContain("Crafted123");
        assertThat(metrics).containsPattern("tresor_webhook_certificate_expiry_seconds 25\\d{5}\\.0");
        assertThat(metrics).contains("tresor_webhook_aws_plugin_supported 1.0");
    }

    /** Delegates to a real view, or fails every lookup while {@link #BROKEN} is set. */
    private record Flaky(ClusterView real) implements ClusterView {
        private <T> T check(T value) {
            if (BROKEN.get()) {
                throw new IllegalStateException("synthetic lookup failure");
            }
            return value;
        }

        @Override
        public Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name) {
            return check(real.nonAdminBackupStorageLocation(namespace, name));
        }

        @Override
        public List<JsonNode> nonAdminBackupStorageLocations(String namespace) {
            return check(real.nonAdminBackupStorageLocations(namespace));
        }

        @Override
        public Optional<JsonNode> nonAdminBackup(String namespace, String name) {
            return check(real.nonAdminBackup(namespace, name));
        }

        @Override
        public Optional<JsonNode> backupStorageLocation(String name) {
            return check(real.backupStorageLocation(name));
        }

        @Override
        public Optional<JsonNode> defaultBackupStorageLocation() {
            return check(real.defaultBackupStorageLocation());
        }

        @Override
        public Optional<JsonNode> veleroBackup(String name) {
            return check(real.veleroBackup(name));
        }

        @Override
        public Optional<SecretFacts> secret(String namespace, String name) {
            return check(real.secret(namespace, name));
        }

        @Override
        public DpaFacts dpa() {
            return real.dpa();
        }
    }
}
