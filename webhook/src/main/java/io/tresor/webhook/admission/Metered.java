package io.tresor.webhook.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tresor.webhook.policy.AdmissionRequest;

/** Counts and times every decision by endpoint, kind, operation and decision. */
public final class Metered implements AdmissionFunction {

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
                .tag("kind", request.kind())
                .tag("operation", request.operation().name())
                .tag("decision", response.decision())
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return response;
    }
}
