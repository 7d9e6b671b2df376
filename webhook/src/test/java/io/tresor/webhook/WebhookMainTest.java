package io.tresor.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.webhook.support.Https;
import io.tresor.webhook.support.ReviewCase;
import io.tresor.webhook.support.WebhookProcess;
import io.tresor.freeze.client.testing.TestCluster;
import io.tresor.tls.testing.TestCertificates;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        Path snapshot = Path.of(ReviewCase.class.getClassLoader().getResource("reviews/cluster.json").toURI());
        try (WebhookProcess server = WebhookProcess.start(List.of(), List.of("--cert-dir", dir.resolve("tls").toString(),
                "--cluster-snapshot", snapshot.toString(), "--shutdown-delay-seconds", "0",
                "--policy", "../deploy/webhook/policy.yaml"), Map.of(), dir.resolve("server.log"))) {
            server.awaitReady();
            ReviewCase valid = ReviewCase.load("allow").stream().filter(c -> c.name().endsWith("/nab-valid"))
                    .findFirst().orElseThrow();
            HttpResponse<String> response = new Https(certificates.clientContext(), server.httpsPort)
                    .review("/validate", valid.reviewBytes());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"allowed\":true");
            assertThat(server.stop()).as("exited after SIGTERM").isTrue();
            assertThat(server.log()).contains("listening after", "SIGTERM: unready");
        }
    }

    @Test
    void aFreezeAgentCaFileThatIsNoPemStopsTheStartWithOneLineNamingIt() throws Exception {
        Path ca = Files.writeString(dir.resolve("agent-ca.crt"), "not a certificate\n");
        assertThat(refusedStartLog(Map.of("TRESOR_FREEZE_AGENT_CA_FILE", ca.toString())))
                .contains("cannot start: TRESOR_FREEZE_AGENT_CA_FILE=" + ca, "not a PEM certificate bundle");
    }

    @Test
    void aRefusedFreezeAgentTlsSettingStopsTheStartWithOneLineNamingIt() throws Exception {
        assertThat(refusedStartLog(Map.of("TRESOR_FREEZE_AGENT_TLS", "sometimes")))
                .contains("cannot start: TRESOR_FREEZE_AGENT_TLS=sometimes is not a TLS setting", "auto", "off");
    }

    /** Starts the webhook against a cluster with {@code env}; it must stop with exit 2 and no stack trace. */
    private String refusedStartLog(Map<String, String> env) throws Exception {
        TestCertificates.shared().issue(dir.resolve("tls"), TestCertificates.KeyFormat.RSA_PKCS8);
        try (TestCluster cluster = new TestCluster();
             WebhookProcess server = WebhookProcess.start(List.of("-Dkubernetes.master=" + cluster.url(),
                     "-Dkubernetes.auth.token=" + TestCluster.WEBHOOK_TOKEN, "-Dkubernetes.auth.tryKubeConfig=false",
                     "-Dkubernetes.auth.tryServiceAccount=false", "-Dkubernetes.trust.certificates=true"),
                     List.of("--cert-dir", dir.resolve("tls").toString(), "--shutdown-delay-seconds", "0",
                             "--policy", "../deploy/webhook/policy.yaml"),
                     env, dir.resolve("server.log"))) {
            assertThat(server.awaitExit()).as(server::log).isEqualTo(2);
            assertThat(server.log()).doesNotContain("\tat ", "Exception in thread");
            return server.log();
        }
    }
}
