package io.tresor.webhook.support;

import io.tresor.tls.testing.TestCertificates;
import io.tresor.webhook.ServerOptions;
import io.tresor.webhook.WebhookApp;
import io.tresor.webhook.config.PolicySource;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.PolicyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The real webhook on 127.0.0.1 with random ports, a test CA and a given cluster view; closes itself. */
public final class RunningWebhook implements AutoCloseable {

    public final TestCertificates certificates;
    public final Path certDir;
    public final WebhookApp app;
    public final Https https;
    public final PolicySource policySource;

    public RunningWebhook(PolicyConfig policy, ClusterView view, BooleanSupplier synced) throws Exception {
        this(policy, view, synced, Duration.ofMillis(100));
    }

    public RunningWebhook(PolicyConfig policy, ClusterView view, BooleanSupplier synced, Duration certPoll)
            throws Exception {
        certificates = TestCertificates.shared();
        certDir = Files.createTempDirectory("tresor-webhook-tls");
        certificates.issue(certDir, TestCertificates.KeyFormat.EC_SEC1);
        ServerOptions options = new ServerOptions(certDir, null, "127.0.0.1", 0, 0, null, Duration.ZERO,
                Duration.ofSeconds(5), certPoll, "");
        policySource = PolicySource.of(policy);
        app = new WebhookApp(options, policySource, view, synced).start();
        https = new Https(certificates.clientContext(), app.httpsPort());
    }

    @Override
    public void close() throws Exception {
        app.close();
        try (var files = Files.list(certDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(certDir);
    }
}
