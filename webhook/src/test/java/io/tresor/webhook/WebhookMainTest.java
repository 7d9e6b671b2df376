package io.tresor.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.tls.testing.TestCertificates;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point as a child process: flags, readiness, one review over HTTPS, SIGTERM drains and exits. */
class WebhookMainTest {

    @TempDir
    Path dir;

    @Test
    void startsFromFlagsServesAndStopsOnSigterm() throws Exception {
        TestCertificates certificates = TestCertificates.shared();
        certificates.issue(dir.resolve("tls"), TestCertificates.KeyFormat.RSA_PKCS8);
        int https = freePort();
        int admin = freePort();
        Path snapshot = Path.of(ReviewCase.class.getClassLoader().getResource("reviews/cluster.json").toURI());
        Path log = dir.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.log.io.tresor=info", WebhookMain.class.getName(),
                "--cert-dir", dir.resolve("tls").toString(), "--host", "127.0.0.1",
                "--https-port", Integer.toString(https), "--cluster-snapshot", snapshot.toString(),
                "--shutdown-delay-seconds", "0", "--policy", "../deploy/webhook/policy.yaml"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // the admin port comes from the environment, as the Deployment sets it
        builder.environment().put("TRESOR_ADMIN_PORT", Integer.toString(admin));
        Process server = builder.start();
        try {
            awaitReady(server, admin, log);
            ReviewCase valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nab-valid"))
                    .findFirst().orElseThrow();
            HttpResponse<String> response = new Https(certificates.clientContext(), https)
                    .review("/validate", valid.reviewBytes());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"allowed\":true");
        } finally {
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        }
        assertThat(Files.readString(log)).contains("listening after", "SIGTERM: unready");
    }

    private void awaitReady(Process server, int admin, Path log) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as(() -> "server died: " + read(log)).isTrue();
            try {
                if (Https.get(admin, "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "<no log>";
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
