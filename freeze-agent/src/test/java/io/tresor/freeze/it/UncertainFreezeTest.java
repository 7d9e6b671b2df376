package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real FIFREEZE that outlives fsfreeze's deadline: it waits uninterruptibly for a writer, so the killed child
 * still freezes the filesystem when the writer finishes, after the agent's defensive thaw found nothing frozen
 * (root and python3 only).
 */
class UncertainFreezeTest {

  @Test
  void aFreezeThatLandsAfterItsTimeoutAndTheDefensiveThawIsStillThawed() throws Exception {
    LoopVolume.assumeRoot();
    try (AgentFixture fx = new AgentFixture(null, "--freezer=fsfreeze", "--freeze-timeout-seconds=1")) {
      AgentFixture.Volume v = fx.volume();
      fx.mountExt4(v);
      try (LoopVolume.WriteHold writer = LoopVolume.holdWrite(v.mountPath().resolve("w"))) {
        LeaseStatus lease = fx.velero.freeze(FreezerClient.request(AgentFixture.NS, v.pvc(), v.pv(), v.podUid(),
            "snap-uncertain", 30));
        assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.SKIPPED);
        assertThat(lease.getSkipCode()).isEqualTo("freeze-failed");
        Path journal = fx.base.resolve("state/journal");
        assertThat(new FileFreezeJournal(journal).entries()).as("kept while the killed fsfreeze is in FIFREEZE")
            .hasSize(1);

        // the writer gets its data: FIFREEZE completes (frozen), then the killed fsfreeze dies
        writer.release();
        assertThat(LoopVolume.writable(v.mountPath().resolve("after"), 5000)).as("thawed after the late freeze")
            .isTrue();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!new FileFreezeJournal(journal).entries().isEmpty() && System.nanoTime() < end) {
          Thread.sleep(20);
        }
        assertThat(new FileFreezeJournal(journal).entries()).isEmpty();
      }
    }
  }
}
