package io.tresor.imagearchive.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.TestCertificate;
import io.tresor.imagearchive.testing.TestImages;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transport details of the registry client: TLS with a private CA, Basic auth with a service-account token. */
class OciRegistryClientTest {
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    @Test
    void aTlsRegistryIsTrustedThroughItsCaBundleOnly(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "registry");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("registry"), null, cert)) {
            assertThat(registry.url()).startsWith("https://");
            OciRegistryClient trusting = new OciRegistryClient(URI.create(registry.url()), RegistryCredentials.anonymous(), FAST,
                    OciRegistryClient.httpClientTrusting(cert.certificatePem(), "service CA"), 1024 * 1024);
            trusting.ping();
            TestImages.Pushed image = new TestImages(trusting, 11).image("tls/app", "v1", true, "amd64",
                    List.of(new TestImages(trusting, 12).layer("tls/app", 1500_000, true)));
            assertThat(trusting.manifest("tls/app", "v1").orElseThrow().digest()).isEqualTo(image.digest());

            OciRegistryClient untrusting = new OciRegistryClient(URI.create(registry.url()), RegistryCredentials.anonymous(), FAST,
                    OciRegistryClient.defaultHttpClient(), 1024 * 1024);
            assertThatThrownBy(untrusting::ping).isInstanceOf(RegistryException.class)
                    .hasMessageContaining(registry.hostPort()).hasMessageContaining("GET /v2/").hasMessageContaining("TLS")
                    .hasMessageContaining("trust the registry's CA");
        }
    }

    @Test
    void basicAuthSendsTheServiceAccountTokenAsPassword() throws Exception {
        String token = "sha256~sa-token-of-velero";
        String expected = "Basic " + Base64.getEncoder().encodeToString(("serviceaccount:" + token).getBytes(StandardCharsets.UTF_8));
        AtomicInteger unauthenticated = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", exchange -> {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    unauthenticated.incrementAndGet();
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"openshift\"");
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                exchange.sendResponseHeaders(exchange.getRequestURI().getPath().contains("/blobs/") ? 404 : 200, -1);
            }
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            OciRegistryClient client = new OciRegistryClient(base, RegistryCredentials.serviceAccountToken(token + "\n"), FAST,
                    OciRegistryClient.defaultHttpClient(), 1024 * 1024);
            client.ping();
            assertThat(client.hasBlob("shop/app", Digest.of("x"))).isFalse();
            assertThat(unauthenticated.get()).as("only the first request meets the challenge").isEqualTo(1);
            assertThat(RegistryCredentials.serviceAccountToken(token).toString()).doesNotContain(token);

            OciRegistryClient anonymous = new OciRegistryClient(base, RegistryCredentials.anonymous(), FAST,
                    OciRegistryClient.defaultHttpClient(), 1024 * 1024);
            assertThatThrownBy(anonymous::ping).hasMessageContaining("requires basic credentials");
        } finally {
            server.stop(0);
        }
    }
}
