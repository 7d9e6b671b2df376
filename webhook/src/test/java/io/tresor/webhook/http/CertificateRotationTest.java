package io.tresor.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.RunningWebhook;
import io.tresor.tls.testing.TestCertificates.KeyFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Rotating tls.crt/tls.key under load: new handshakes get the new certificate, no request fails. */
class CertificateRotationTest {

    @Test
    void rotationUnderLoadDropsNothing() throws Exception {
        ReviewCase valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nab-valid")).findFirst()
                .orElseThrow();
        byte[] body = valid.reviewBytes();
        try (RunningWebhook webhook = new RunningWebhook(PolicyConfig.defaults(), valid.clusterView(), () -> true,
                Duration.ofMillis(50))) {
            URI uri = URI.create("https://127.0.0.1:" + webhook.app.httpsPort() + "/validate");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Set<java.math.BigInteger> servedSerials = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                boolean freshConnections = w % 2 == 0;
                workers.add(pool.submit(() -> {
                    HttpClient client = client(webhook);
                    int sent = 0;
                    while (running.get()) {
                        // half the workers reconnect often so they handshake against the rotated certificate
                        if (freshConnections && sent++ % 20 == 0) {
                            client = client(webhook);
                        }
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200 || !response.body().contains("\"allowed\":true")) {
                                failures.add(response.statusCode() + " " + response.body());
                            } else {
                                ok.incrementAndGet();
                            }
                            response.sslSession().ifPresent(s -> {
                                try {
                                    servedSerials.add(((X509Certificate) s.getPeerCertificates()[0]).getSerialNumber());
                                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                                    failures.add("unverified peer");
                                }
                            });
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(300);
            X509Certificate second = webhook.certificates.issue(webhook.certDir, KeyFormat.EC_PKCS8);
            await(() -> servedSerials.contains(second.getSerialNumber()));
            X509Certificate third = webhook.certificates.issue(webhook.certDir, KeyFormat.RSA_PKCS8);
            await(() -> servedSerials.contains(third.getSerialNumber()));
            Thread.sleep(200);
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get();
            }
            pool.shutdownNow();
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(50);
            assertThat(webhook.app.certificates().reloads()).isEqualTo(2);
            assertThat(webhook.app.certificates().notAfter()).isEqualTo(third.getNotAfter().toInstant());
            assertThat(servedSerials).contains(second.getSerialNumber(), third.getSerialNumber());
        }
    }

    @Test
    void aHalfWrittenPairKeepsServingTheOldCertificate() throws Exception {
        ReviewCase valid = ReviewCase.load("allow").get(0);
        try (RunningWebhook webhook = new RunningWebhook(PolicyConfig.defaults(), valid.clusterView(), () -> true,
                Duration.ofDays(1))) {
            var before = webhook.app.certificates().notAfter();
            webhook.certificates.issueCertificateOnly(webhook.certDir);
            webhook.app.certificates().checkOnce();
            assertThat(webhook.app.certificates().reloads()).isZero();
            assertThat(webhook.app.certificates().notAfter()).isEqualTo(before);
            assertThat(webhook.https.review("/validate", valid.reviewBytes()).statusCode()).isEqualTo(200);
        }
    }

    /** Waits (bounded) until fresh handshakes see a rotated certificate; slow machines need longer than fast ones. */
    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static HttpClient client(RunningWebhook webhook) {
        try {
            return HttpClient.newBuilder().sslContext(webhook.certificates.clientContext())
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
