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
    void theBundleIsBuiltOncePerProcessUntilAFileChanges(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        try (InputStream in = getClass().getResourceAsStream("/tls/ca.pem")) {
            Files.copy(in, ca);
        }
        Map<String, String> env = Map.of("SSL_CERT_FILE", ca.toString());
        TrustBundle first = TrustBundle.fromEnvironment(env);
        assertThat(TrustBundle.fromEnvironment(env)).as("same files, same bundle").isSameAs(first);

        // a rotated CA file (new content, new size) must be read again
        Files.writeString(ca, Files.readString(ca) + "\n");
        TrustBundle rotated = TrustBundle.fromEnvironment(env);
        assertThat(rotated).isNotSameAs(first);
        assertThat(rotated.sources()).contains(ca);
    }

    @Test
    void theLazyTrustManagerReadsTheBundleAtTheFirstHandshake(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        // not there yet when the client is built: a plain-HTTP process would never read it
        SSLContext lazy = TrustBundle.lazySslContext(Map.of("SSL_CERT_FILE", ca.toString()));
        HttpClient client = HttpClient.newBuilder().sslContext(lazy).build();
        try (InputStream in = getClass().getResourceAsStream("/tls/ca.pem")) {
            Files.copy(in, ca);
        }
        HttpsServer server = startServer();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
            assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("ok");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBadBundleFailsTheHandshakeNamingTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        var tm = TrustBundle.lazyFromEnvironment(Map.of("SSL_CERT_FILE", bad.toString()));
        assertThatThrownBy(() -> tm.checkServerTrusted(new java.security.cert.X509Certificate[0], "RSA"))
                .isInstanceOf(java.security.cert.CertificateException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("CA bundles cannot be loaded");
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
