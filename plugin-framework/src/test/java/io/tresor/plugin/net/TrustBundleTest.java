package io.tresor.plugin.net;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustBundleTest {

    @Test
    void aPrivateCaFromABundleFileIsTrustedBesideTheJdkCas(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        try (InputStream in = getClass().getResourceAsStream("/tls/ca.pem")) {
            Files.copy(in, ca);
        }
        HttpsServer server = startServer();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
            TrustBundle bundle = TrustBundle.fromEnvironment(Map.of("SSL_CERT_FILE", ca.toString()));
            assertThat(bundle.sources()).contains(ca);
            assertThat(bundle.trustManager().getAcceptedIssuers().length).as("JDK CAs kept").isGreaterThan(50);
            HttpResponse<String> ok = HttpClient.newBuilder().sslContext(bundle.sslContext()).build()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.body()).isEqualTo("ok");

            TrustBundle jdkOnly = TrustBundle.withPemFiles(List.of(dir.resolve("missing.pem")));
            assertThatThrownBy(() -> HttpClient.newBuilder().sslContext(jdkOnly.sslContext()).build()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBundleThatIsNotPemIsAClearError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TrustBundle.withPemFiles(List.of(bad)))
                .hasMessageContaining(bad.toString()).hasMessageContaining("not a PEM certificate bundle");
    }

    private static HttpsServer startServer() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = TrustBundleTest.class.getResourceAsStream("/tls/server.p12")) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            byte[] body = "ok".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }
}
