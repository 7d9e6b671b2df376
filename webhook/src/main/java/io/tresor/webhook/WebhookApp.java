package io.tresor.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.admission.FailClosed;
import io.tresor.webhook.admission.Metered;
import io.tresor.webhook.admission.Mutation;
import io.tresor.webhook.admission.Validation;
import io.tresor.webhook.config.PolicySource;
import io.tresor.webhook.http.CertificateReloader;
import io.tresor.webhook.http.Readiness;
import io.tresor.webhook.http.WebhookServer;
import io.tresor.webhook.policy.AwsPluginVersion;
import io.tresor.webhook.policy.ClusterView;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires policy, cluster view, admission functions, TLS and the two listeners into one running webhook. */
public final class WebhookApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookApp.class);

    private final PolicySource policy;
    private final CertificateReloader certificates;
    private final WebhookServer server;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Readiness readiness;

    public WebhookApp(ServerOptions options, PolicySource policy, ClusterView view, BooleanSupplier synced)
            throws IOException, GeneralSecurityException {
        this(options, policy, view, synced, null);
    }

    /** @param freeze the {@code /freeze} decision (never fails closed: it always allows), or null to not serve it */
    public WebhookApp(ServerOptions options, PolicySource policy, ClusterView view, BooleanSupplier synced,
            AdmissionFunction freeze) throws IOException, GeneralSecurityException {
        this.policy = policy;
        this.readiness = new Readiness(synced);
        this.certificates = new CertificateReloader(options.certDir());
        Optional<String> plugin = AwsPluginVersion.problem(view.dpa().awsPluginImage(), policy.policy().config());
        plugin.ifPresent(problem -> {
            LOG.warn("{}", problem);
            readiness.notice(problem);
        });
        Gauge.builder("tresor_webhook_aws_plugin_supported", () -> plugin.isPresent() ? 0 : 1)
                .description("1 when the AWS plugin is known to support the configured key source").register(registry);
        AdmissionFunction validate = new Metered(new FailClosed(new Validation(policy::policy, view)), registry,
                "validate");
        AdmissionFunction mutate = new Metered(new FailClosed(new Mutation(policy::binding)), registry, "mutate");
        AdmissionFunction frozen = freeze == null ? null : new Metered(freeze, registry, "freeze");
        this.server = new WebhookServer(new WebhookServer.Listen(options.host(), options.httpsPort(),
                options.adminPort(), options.drain()), certificates, validate, mutate, frozen, readiness, registry);
        certificates.watch(options.certPoll());
        policy.watch(options.certPoll().multipliedBy(5));
    }

    public WebhookApp start() {
        server.start();
        return this;
    }

    public int httpsPort() {
        return server.httpsPort();
    }

    public int adminPort() {
        return server.adminPort();
    }

    public Readiness readiness() {
        return readiness;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public CertificateReloader certificates() {
        return certificates;
    }

    @Override
    public void close() {
        server.close();
        certificates.close();
        policy.close();
    }
}
