package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real FIFREEZE that outlives fsfreeze's deadline: it waits uninterruptibly for a writer, so the killed child
 * still freezes the filesystem when the writer finishes, after the agent's defensive thaw found nothing frozen
 * (root and python3 only).
 */
class UncertainFreezeTest {
  // splice(2) from a pipe into a file holds the filesystem's write reference while it waits for data: FIFREEZE
  // then waits (state D) until the data comes
  private static final String HOLD_WRITE = """
      import os, sys
      fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)
      print("holding", flush=True)
      os.splice(0, fd, 4096)
      """;

  @Test
  void aFreezeThatLandsAfterItsTimeoutAndTheDefensiveThawIsStillThawed() throws Exception {
    LoopVolume.assumeRoot();
    Assumptions.assumeTrue(LoopVolume.exec("python3", "-c", "import os; os.splice") == 0,
        "SKIPPED: python3 with os.splice (3.10+) is needed to hold a filesystem's write reference");
    try (AgentFixture fx = new AgentFixture(null, "--freezer=fsfreeze", "--freeze-timeout-seconds=1")) {
      AgentFixture.Volume v = fx.volume();
      fx.mountExt4(v);
      Process writer = new ProcessBuilder(List.of("python3", "-c", HOLD_WRITE, v.mountPath().resolve("w").toString()))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        assertThat(new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))
            .readLine()).isEqualTo("holding");
        Thread.sleep(500);   // into splice()
        LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(),
            "snap-uncertain", 30));
        assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.SKIPPED);
        assertThat(lease.getSkipCode()).isEqualTo("freeze-failed");
        Path journal = fx.base.resolve("state/journal");
        assertThat(new FileFreezeJournal(journal).entries()).as("kept while the killed fsfreeze is in FIFREEZE")
            .hasSize(1);

        // the writer gets its data: FIFREEZE completes (frozen), then the killed fsfreeze dies
        try (OutputStream in = writer.getOutputStream()) {
          in.write("data\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(writer.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(LoopVolume.writable(v.mountPath().resolve("after"), 5000)).as("thawed after the late freeze")
            .isTrue();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!new FileFreezeJournal(journal).entries().isEmpty() && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
      } finally {
        writer.destroyForcibly();
      }
    }
  }
}
