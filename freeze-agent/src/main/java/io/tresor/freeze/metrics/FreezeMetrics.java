package io.tresor.freeze.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tresor.freeze.lease.ThawCause;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's meters: freeze durations, active freezes, thaws by cause, skips by code, refused calls, and the state
 * that alerts watch (thaws pending, age of the oldest freeze, the lease limit).
 */
public final class FreezeMetrics {
  /** The {@code why} values of {@link #refused}: the interceptor's two outcomes. */
  public static final List<String> REFUSALS = List.of("unauthenticated", "not-allowed");

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
    // Every series an alert takes increase() of exists from the start at 0: Prometheus sees no increase in a series
    // whose first sample is already 1, so the first expired lease or refused call would go unnoticed.
    for (ThawCause cause : ThawCause.values()) {
      thaws(cause);
    }
    for (String why : REFUSALS) {
      refusals(why);
    }
  }

  /**
   * The state gauges: {@code tresor_freeze_thaw_pending} (filesystems whose thaw failed and is retried),
   * {@code tresor_freeze_oldest_active_seconds} (0 when nothing is frozen) and {@code tresor_freeze_lease_max_seconds}
   * (the longest lease a call may get, for the alert that compares the two).
   */
  public void state(Supplier<Number> pendingThaws, Supplier<Number> oldestActiveSeconds, Duration maxLease) {
    Gauge.builder("tresor.freeze.thaw.pending", pendingThaws)
        .description("Filesystems the agent froze, failed to thaw and keeps retrying (possibly still frozen)")
        .register(registry);
    Gauge.builder("tresor.freeze.oldest.active", oldestActiveSeconds)
        .description("How long the oldest freeze held now has lasted; 0 when nothing is frozen")
        .baseUnit("seconds").register(registry);
    double max = maxLease.toMillis() / 1000.0;
    Gauge.builder("tresor.freeze.lease.max", () -> max).description("The longest lease a Freeze call may get")
        .baseUnit("seconds").register(registry);
  }

  public void thawed(ThawCause cause, Duration frozenFor) {
    frozenSeconds.record(frozenFor.toNanos() / 1e9);
    thaws(cause).increment();
  }

  public void skipped(String code) {
    Counter.builder("tresor.freeze.skips").description("Freeze calls that froze nothing, by reason code")
        .tag("code", code).register(registry).increment();
  }

  public void refused(String why) {
    refusals(why).increment();
  }

  private Counter thaws(ThawCause cause) {
    return Counter.builder("tresor.freeze.thaws").description("Ended leases by cause")
        .tag("cause", cause.name().toLowerCase()).register(registry);
  }

  private Counter refusals(String why) {
    return Counter.builder("tresor.freeze.refused.calls").description("Calls refused by authentication or authorization")
        .tag("why", why).register(registry);
  }
}
