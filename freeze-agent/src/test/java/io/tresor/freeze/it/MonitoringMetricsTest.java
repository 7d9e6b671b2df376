package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.testing.AlertRules;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What deploy/freeze-agent/prometheusrule.yaml alerts on is what a real agent exports, and the state gauges follow
 * the real state: a failed FITHAW is pending until a retry thaws it; the oldest freeze's age is 0 when none.
 */
class MonitoringMetricsTest {
  private static final Path RULES = Path.of("../deploy/freeze-agent/prometheusrule.yaml");
  private static final String PENDING = "tresor_freeze_thaw_pending";
  private static final String OLDEST = "tresor_freeze_oldest_active_seconds";

  private static String scrape(AgentFixture fx) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + fx.agent.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double gauge(AgentFixture fx, String name) throws Exception {
    return AlertRules.value(scrape(fx), name).orElseThrow(() -> new AssertionError(name + " is not exported"));
  }

  @Test
  void everyMetricTheAlertsUseIsExportedBeforeAnythingHappened() throws Exception {
    Set<String> used = AlertRules.read(RULES).metricNames();
    assertThat(used).as("metric names in the rules' expressions").contains(PENDING, OLDEST,
        "tresor_freeze_lease_max_seconds", "tresor_freeze_thaws_total", "tresor_freeze_refused_calls_total");
    try (AgentFixture fx = new AgentFixture()) {
      String scrape = scrape(fx);
      // a fresh agent: alerts on counters need their series from the start (increase() misses a first sample of 1)
      assertThat(AlertRules.exported(scrape)).as("exported by a fresh agent").containsAll(used);
      assertThat(scrape).contains("tresor_freeze_thaws_total{cause=\"lease_expired\"} 0.0",
          "tresor_freeze_thaws_total{cause=\"never_appeared\"} 0.0",
          "tresor_freeze_refused_calls_total{why=\"not-allowed\"} 0.0",
          "tresor_freeze_refused_calls_total{why=\"unauthenticated\"} 0.0",
          "tresor_freeze_lease_max_seconds 600.0");
      assertThat(gauge(fx, PENDING)).isZero();
      assertThat(gauge(fx, OLDEST)).isZero();
    }
  }

  /** The pending gauge once it reads 0, or after 5 s of retries (one a second). */
  private static double pendingAfterRetries(AgentFixture fx) throws Exception {
    long end = System.nanoTime() + 5_000_000_000L;
    while (gauge(fx, PENDING) != 0.0 && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    return gauge(fx, PENDING);
  }

  /** The real fsfreeze, except that -u fails while {@code flag} exists (no "Invalid argument": a real failure). */
  private static Path fsfreezeRefusingThawsWhile(Path flag) throws Exception {
    Path script = flag.resolveSibling("fsfreeze");
    Files.writeString(script, "#!/bin/sh\nif [ \"$1\" = -u ] && [ -e '" + flag + "' ]; then\n"
        + "  echo \"fsfreeze: $2: thaw refused by the test\"; exit 1\nfi\nexec fsfreeze \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void aFilesystemAKilledAgentLeftFrozenIsPendingFromTheStartUntilARetryThawsIt() throws Exception {
    LoopVolume.assumeRoot();
    Path dir = Files.createTempDirectory("tresor-left-frozen-");
    Path failThaw = dir.resolve("fail-thaw");
    Path script = fsfreezeRefusingThawsWhile(failThaw);
    Path mount = dir.resolve("mnt");
    Path journal = dir.resolve("state/journal");
    try (LoopVolume volume = LoopVolume.ext4(mount)) {
      Path file = mount.resolve("db.log");
      try {
        // what a killed agent leaves: its journal entry (written before the FIFREEZE) and the filesystem frozen
        DeviceNumber device = DeviceNumber.fromStDev((Long) Files.getAttribute(mount, "unix:dev"));
        new FileFreezeJournal(journal).record(new JournalEntry(device, mount, Instant.now()));
        LoopVolume.run("fsfreeze", "-f", mount.toString());
        Files.createFile(failThaw);
        try (AgentFixture fx = new AgentFixture(journal, "--freezer=fsfreeze", "--fsfreeze=" + script)) {
          assertThat(gauge(fx, PENDING)).as("its thaw at start failed: retried every second").isEqualTo(1.0);
          assertThat(LoopVolume.writable(file, 300)).as("still frozen").isFalse();
          Files.delete(failThaw);
          assertThat(pendingAfterRetries(fx)).as("thawed by a retry").isZero();
          assertThat(LoopVolume.writable(file, 5000)).isTrue();
          assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
        }
      } finally {
        LoopVolume.exec("fsfreeze", "-u", mount.toString()); // never unmount (or leave) it frozen, whatever failed
      }
    } finally {
      try (var paths = Files.walk(dir)) { // after the unmount: the mount point, the journal, the script
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aFailedThawIsPendingUntilARetryThawsItAndTheOldestFreezeAgesAndEnds() throws Exception {
    LoopVolume.assumeRoot();
    Path dir = Files.createTempDirectory("tresor-fsfreeze-");
    Path failThaw = dir.resolve("fail-thaw");
    Path script = fsfreezeRefusingThawsWhile(failThaw);
    try (AgentFixture fx = new AgentFixture(null, "--freezer=fsfreeze", "--fsfreeze=" + script)) {
      AgentFixture.Volume v = fx.volume();
      fx.mountExt4(v);
      Path file = v.mountPath().resolve("db.log");
      LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(),
          "snap-monitored", 60));
      assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
      Thread.sleep(1100);
      assertThat(gauge(fx, OLDEST)).as("age of the held freeze").isBetween(1.0, 30.0);
      assertThat(gauge(fx, PENDING)).isZero();

      Files.createFile(failThaw);
      fx.velero.thaw(lease.getLeaseId());
      assertThat(LoopVolume.writable(file, 300)).as("still frozen after the failed FITHAW").isFalse();
      assertThat(gauge(fx, PENDING)).as("the failed thaw, retried every second").isEqualTo(1.0);
      assertThat(gauge(fx, OLDEST)).as("no lease holds it any more").isZero();

      Files.delete(failThaw);
      assertThat(pendingAfterRetries(fx)).as("thawed by the retry").isZero();
      assertThat(LoopVolume.writable(file, 5000)).isTrue();
    } finally {
      Files.deleteIfExists(failThaw);
      Files.deleteIfExists(script);
      Files.deleteIfExists(dir);
    }
  }
}
