package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tresor.tls.testing.TestCertificates;
import io.tresor.webhook.admission.AdmissionResponse;
import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reviews answered with an HTTP error instead of a decision are counted per endpoint and status: with failurePolicy
 * Fail the apiserver refuses each of them, so they must be visible to the alert, 500s from a bug included.
 */
class ReviewErrorsTest {
    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static Path certDir;
    private static CertificateReloader certificates;
    private static WebhookServer server;
    private static Https https;
    private static byte[] review;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates ca = TestCertificates.shared();
        certDir = Files.createTempDirectory("tresor-review-errors");
        ca.issue(certDir, TestCertificates.KeyFormat.EC_SEC1);
        certificates = new CertificateReloader(certDir);
        // /validate has a bug that escapes every guard; /mutate works
        server = new WebhookServer(new WebhookServer.Listen("127.0.0.1", 0, 0, Duration.ofSeconds(1)), certificates,
                request -> {
                    throw new IllegalStateException("a bug outside the fail-closed guard");
                },
                request -> AdmissionResponse.allow(request.uid(), java.util.List.of()), null, new Readiness(() -> true), REGISTRY).start();
        https = new Https(ca.clientContext(), server.httpsPort());
        review = ReviewCase.load("allow").get(0).reviewBytes();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        certificates.close();
        try (var files = Files.list(certDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(certDir);
    }

    @Test
    void everyErrorStatusIsCountedPerEndpointFromZero() throws Exception {
        String before = metrics();
        for (String endpoint : new String[] {"validate", "mutate"}) {
            for (int status : ReviewEndpoint.ERROR_STATUSES) {
                assertThat(before).as("registered before the first error, so increase() sees it")
                        .contains(series(endpoint, status) + " 0.0");
            }
        }
        assertThat(before).doesNotContain("endpoint=\"freeze\"");

        HttpResponse<String> crash = https.review("/validate", review);
        assertThat(crash.statusCode()).isEqualTo(500);
        assertThat(crash.body()).isEqualTo("internal error\n").doesNotContain("a bug");
        assertThat(https.review("/mutate", review).statusCode()).isEqualTo(200);
        assertThat(https.review("/mutate", "{".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(https.post("/mutate", review, "text/plain").statusCode()).isEqualTo(415);
        assertThat(https.review("/mutate", new byte[ReviewEndpoint.MAX_BODY_BYTES + 1]).statusCode()).isEqualTo(413);

        String after = metrics();
        assertThat(after).contains(series("validate", 500) + " 1.0", series("mutate", 400) + " 1.0",
                series("mutate", 415) + " 1.0", series("mutate", 413) + " 1.0", series("mutate", 500) + " 0.0",
                series("validate", 400) + " 0.0");
    }

    private static String series(String endpoint, int status) {
        return "tresor_webhook_review_errors_total{endpoint=\"" + endpoint + "\",status=\"" + status + "\"}";
    }

    private static String metrics() {
        return REGISTRY.scrape();
    }
}
