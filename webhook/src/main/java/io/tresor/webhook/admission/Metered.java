package io.tresor.webhook.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.OadpNames;

/** Counts and times every decision by endpoint, kind, operation and decision. */
public final class Metered implements AdmissionFunction {

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
        return response;
    }
}
