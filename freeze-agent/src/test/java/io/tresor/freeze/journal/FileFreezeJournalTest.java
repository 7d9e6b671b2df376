package io.tresor.freeze.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFreezeJournalTest {
  @TempDir
  Path dir;

  @Test
  void entriesSurviveANewInstanceAndRemovalIsDurable() throws Exception {
    Path file = dir.resolve("state/journal");
    FileFreezeJournal journal = new FileFreezeJournal(file);
    Instant t = Instant.parse("2026-12-01T10:00:00.123Z");
    journal.record(new JournalEntry(new DeviceNumber(7, 3), Path.of("/pods/a b\tc\n%/mount"), t));
    journal.record(new JournalEntry(new DeviceNumber(8, 16), Path.of("/pods/x/mount"), t));
    assertThat(Files.readAllLines(file)).hasSize(2);

    FileFreezeJournal reopened = new FileFreezeJournal(file);
    assertThat(reopened.entries()).containsExactly(
        new JournalEntry(new DeviceNumber(7, 3), Path.of("/pods/a b\tc\n%/mount"), t),
        new JournalEntry(new DeviceNumber(8, 16), Path.of("/pods/x/mount"), t));

    reopened.remove(new DeviceNumber(7, 3));
    assertThat(new FileFreezeJournal(file).entries()).extracting(JournalEntry::device)
        .containsExactly(new DeviceNumber(8, 16));
    assertThat(Files.exists(file.resolveSibling("journal.tmp"))).isFalse();
  }
}
