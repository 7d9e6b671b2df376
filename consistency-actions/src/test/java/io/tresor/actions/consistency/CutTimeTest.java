package io.tresor.actions.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The two sources of a cut time and the precision each carries. */
class CutTimeTest {

  @Test
  void aContentsCreationTimeIsNanosecondsSinceTheEpoch() {
    CutTime cut = CutTime.ofContentNanos(1_764_619_200_441_517_233L);
    assertThat(cut.at()).isEqualTo(Instant.parse("2025-12-01T20:00:00.441517233Z"));
    assertThat(cut.end()).isEqualTo(Instant.parse("2025-12-01T20:00:00.441517234Z"));
    assertThat(cut.describe()).isEqualTo("2025-12-01T20:00:00.441517233Z");
  }

  @Test
  void aSnapshotsCreationTimeCoversItsWholeSecond() {
    CutTime cut = CutTime.ofSnapshotTime("2025-12-01T20:00:00Z");
    assertThat(cut.end()).isEqualTo(Instant.parse("2025-12-01T20:00:01Z"));
    assertThat(cut.describe()).isEqualTo("2025-12-01T20:00:00Z (known only to the second)");
  }

  @Test
  void aSnapshotTimeThatIsNoRfc3339TimeNamesTheFieldAndTheText() {
    assertThatThrownBy(() -> CutTime.ofSnapshotTime("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VolumeSnapshot status.creationTime \"yesterday\" is not an RFC 3339 time");
  }
}
