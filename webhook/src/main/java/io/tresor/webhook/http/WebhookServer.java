package io.tresor.webhook.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tresor.webhook.admission.AdmissionFunction;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two listeners: HTTPS for the apiserver ({@code /validate}, {@code /mutate}), plain HTTP for probes and metrics. */
public final class WebhookServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

    /** Where and how to listen. */
    public record Listen(String host, int httpsPort, int adminPort, Duration drain) {
    }

    private final Javalin https;
    private final Javalin admin;
    private final Readiness readiness;
    private final Listen listen;

    public WebhookServer(Listen listen, CertificateReloader certificates, AdmissionFunction validate,
            AdmissionFunction mutate, Readiness readiness, PrometheusMeterRegistry registry) {
        this(listen, certificates, validate, mutate, null, readiness, registry);
    }

    /** @param freeze {@code /freeze} (VolumeSnapshot admission → node freeze agents), or null when not served */
    public WebhookServer(Listen listen, CertificateReloader certificates, AdmissionFunction validate,
            AdmissionFunction mutate, AdmissionFunction freeze, Readiness readiness, PrometheusMeterRegistry registry) {
        this.listen = listen;
        this.readiness = readiness;
        AdmissionReviewCodec codec = new AdmissionReviewCodec();
        Gauge.builder("tresor_webhook_certificate_expiry_seconds",
                certificates, c -> Duration.between(Instant.now(), c.notAfter()).toSeconds())
                .description("Seconds until the served certificate expires").register(registry);
        this.https = Javalin.create(config -> {
            quiet(config);
            config.http.maxRequestSize = ReviewEndpoint.MAX_BODY_BYTES + 1L;
            // reviews are answered in a few hundred bytes; the compressing output wrapper cost more CPU than it saved
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.modifyServer(server -> server.setStopTimeout(listen.drain().toMillis()));
            config.jetty.addConnector((server, httpConfig) -> {
                HttpConfiguration secure = new HttpConfiguration(httpConfig);
                SecureRequestCustomizer customizer = new SecureRequestCustomizer();
                // the apiserver connects by service DNS name; the certificate, not the Host header, proves identity
                customizer.setSniHostCheck(false);
                secure.addCustomizer(customizer);
                ServerConnector connector = new ServerConnector(server,
                        new SslConnectionFactory(certificates.sslContextFactory(), "http/1.1"),
                        new HttpConnectionFactory(secure));
                connector.setHost(listen.host());
                connector.setPort(listen.httpsPort());
                return connector;
            });
            Map<String, ReviewEndpoint> endpoints = new HashMap<>();
            endpoints.put("/validate", new ReviewEndpoint(codec, validate, registry, "validate"));
            endpoints.put("/mutate", new ReviewEndpoint(codec, mutate, registry, "mutate"));
            if (freeze != null) {
                endpoints.put("/freeze", new ReviewEndpoint(codec, freeze, registry, "freeze"));
            }
            endpoints.forEach(config.routes::post);
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request to {} failed: {}", ctx.path(), e.getClass().getName());
                ReviewEndpoint endpoint = endpoints.get(ctx.path());
                if (endpoint != null) {
                    endpoint.refuse(ctx, 500, "internal error");
                } else {
                    ReviewEndpoint.plain(ctx, 500, "internal error");
                }
            });
        });
        this.admin = Javalin.create(config -> {
            quiet(config);
            config.jetty.host = listen.host();
            config.jetty.port = listen.adminPort();
            config.routes.get("/healthz", ctx -> ctx.result("ok\n"));
            config.routes.get("/readyz", ctx -> {
                var problems = readiness.problems();
                StringBuilder body = new StringBuilder(problems.isEmpty() ? "ok\n" : "not ready\n");
                problems.forEach(p -> body.append("- ").append(p).append('\n'));
                readiness.notices().forEach(n -> body.append("notice: ").append(n).append('\n'));
                ctx.status(problems.isEmpty() ? 200 : 503).contentType("text/plain; charset=utf-8").result(body.toString());
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(registry.scrape()));
        });
    }

    private static void quiet(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
    }

    /** Starts both listeners side by side (start-up time counts: the replica is useless until it is ready). */
    public WebhookServer start() {
        java.util.concurrent.CompletableFuture<Void> probes =
                java.util.concurrent.CompletableFuture.runAsync(admin::start, runnable -> {
                    Thread thread = new Thread(runnable, "tresor-admin-start");
                    thread.setDaemon(true);
                    thread.start();
                });
        https.start();
        try {
            probes.join();
        } catch (java.util.concurrent.CompletionException e) {
            https.stop();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        readiness.serving(true);
        LOG.info("admission on https://{}:{}, probes and metrics on http://{}:{}", listen.host(), httpsPort(),
                listen.host(), adminPort());
        return this;
    }

    public int httpsPort() {
        return ((ServerConnector) https.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    public int adminPort() {
        return admin.port();
    }

    /** Graceful drain: unready first so endpoints stop routing here, then let in-flight reviews finish. */
    @Override
    public void close() {
        readiness.draining();
        https.stop();
        admin.stop();
    }
}
