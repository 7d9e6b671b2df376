package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.policy.SecretFacts;
import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown (what SIGTERM triggers) turns the replica unready and lets an in-flight review finish. */
class GracefulDrainTest {

    @Test
    void inFlightReviewCompletesDuringShutdown() throws Exception {
        ReviewCase valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nabsl-valid")).findFirst()
                .orElseThrow();
        CountDownLatch entered = new CountDownLatch(1);
        Slow view = new Slow(valid.clusterView(), entered);
        RunningWebhook webhook = new RunningWebhook(PolicyConfig.defaults(), view, () -> true);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return webhook.https.review("/validate", valid.reviewBytes());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        int admin = webhook.app.adminPort();
        webhook.app.readiness().draining();
        assertThat(Https.get(admin, "/readyz").statusCode()).isEqualTo(503);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                webhook.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<String> response = inFlight.get(15, TimeUnit.SECONDS);
        closing.get(15, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"allowed\":true");
    }

    /** Holds the first Secret lookup for 800 ms so the review is in flight when shutdown starts. */
    private record Slow(ClusterView real, CountDownLatch entered) implements ClusterView {
        @Override
        public Optional<SecretFacts> secret(String namespace, String name) {
            entered.countDown();
            try {
                Thread.sleep(800);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.secret(namespace, name);
        }

        @Override
        public Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name) {
            return real.nonAdminBackupStorageLocation(namespace, name);
        }

        @Override
        public List<JsonNode> nonAdminBackupStorageLocations(String namespace) {
            return real.nonAdminBackupStorageLocations(namespace);
        }

        @Override
        public Optional<JsonNode> nonAdminBackup(String namespace, String name) {
            return real.nonAdminBackup(namespace, name);
        }

        @Override
        public Optional<JsonNode> backupStorageLocation(String name) {
            return real.backupStorageLocation(name);
        }

        @Override
        public Optional<JsonNode> defaultBackupStorageLocation() {
            return real.defaultBackupStorageLocation();
        }

        @Override
        public Optional<JsonNode> veleroBackup(String name) {
            return real.veleroBackup(name);
        }

        @Override
        public DpaFacts dpa() {
            return real.dpa();
        }
    }
}
