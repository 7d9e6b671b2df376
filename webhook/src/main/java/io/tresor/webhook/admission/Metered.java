package io.tresor.webhook.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.OadpNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts and times every decision by endpoint, kind, operation and decision; at debug, logs each one. */
public final class Metered implements AdmissionFunction {
    private static final Logger LOG = LoggerFactory.getLogger(Metered.class);

    private static final java.time.Duration[] BUCKETS = java.util.stream.Stream.of(250L, 500L, 1_000L, 2_000L,
            5_000L, 10_000L, 25_000L, 100_000L, 500_000L, 2_000_000L, 5_000_000L)
            .map(java.time.Duration::ofNanos).map(d -> d.multipliedBy(1_000)).toArray(java.time.Duration[]::new);

    /** Kinds the webhook is registered for; anything else is "other", so callers cannot grow the series count. */
    private static final java.util.Set<String> KINDS = java.util.Set.of(OadpNames.NON_ADMIN_BACKUP,
            OadpNames.NON_ADMIN_SCHEDULE, OadpNames.NON_ADMIN_RESTORE, OadpNames.NON_ADMIN_BSL, OadpNames.BSL,
            OadpNames.BACKUP, OadpNames.RESTORE, OadpNames.SECRET);

    private final AdmissionFunction inner;
    private final MeterRegistry registry;
    private final String endpoint;

    public Metered(AdmissionFunction inner, MeterRegistry registry, String endpoint) {
        this.inner = inner;
        this.registry = registry;
        this.endpoint = endpoint;
    }

    @Override
    public AdmissionResponse apply(AdmissionRequest request) {
        long start = System.nanoTime();
        AdmissionResponse response = inner.apply(request);
        Timer.builder("tresor_webhook_admission")
                .description("Admission decisions and their latency")
                .tag("endpoint", endpoint)
                .tag("kind", KINDS.contains(request.kind()) ? request.kind() : "other")
                .tag("operation", request.operation().name())
                .tag("decision", response.decision())
                // fixed buckets around the 5 ms target keep the series count small
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
            // who asked for what and why it was decided so: the denial text is what the requester was told (never key
            // material: the rules name fields and Secrets, not their values)
            LOG.debug("/{} {} {} by {}{}: {} in {} us{}", endpoint, request.operation(), request.subject(), request.username(),
                    request.dryRun() ? " (dry run)" : "", response.decision(), (System.nanoTime() - start) / 1_000,
                    response.allowed() ? "" : ": " + response.message());
        }
        return response;
    }
}
