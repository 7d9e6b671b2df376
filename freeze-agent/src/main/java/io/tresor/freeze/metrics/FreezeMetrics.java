package io.tresor.freeze.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tresor.freeze.lease.ThawCause;
import java.time.Duration;
import java.util.function.Supplier;

/** The agent's meters: freeze durations, active freezes, thaws by cause, skips by code. */
public final class FreezeMetrics {
  private final MeterRegistry registry;
  private final DistributionSummary frozenSeconds;

  public FreezeMetrics(MeterRegistry registry, Supplier<Number> activeLeases) {
    this.registry = registry;
    this.frozenSeconds = DistributionSummary.builder("tresor.freeze.duration")
        .description("How long a lease kept its filesystem frozen")
        .baseUnit("seconds")
        .serviceLevelObjectives(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
        .register(registry);
    Gauge.builder("tresor.freeze.active", activeLeases).description("Leases currently holding a freeze")
        .register(registry);
  }

  public void thawed(ThawCause cause, Duration frozenFor) {
    frozenSeconds.record(frozenFor.toNanos() / 1e9);
    Counter.builder("tresor.freeze.thaws").description("Ended leases by cause").tag("cause", cause.name().toLowerCase())
        .register(registry).increment();
  }

  public void skipped(String code) {
    Counter.builder("tresor.freeze.skips").description("Freeze calls that froze nothing, by reason code")
        .tag("code", code).register(registry).increment();
  }

  public void refused(String why) {
    Counter.builder("tresor.freeze.refused.calls").description("Calls refused by authentication or authorization")
        .tag("why", why).register(registry).increment();
  }
}
