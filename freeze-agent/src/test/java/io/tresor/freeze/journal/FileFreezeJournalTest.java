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

  @Test
  void aDamagedLineCostsOnlyThatLineAndTheDamagedFileIsKeptForAPerson() throws Exception {
    // an edit by hand, a file of a newer agent after a downgrade, a bad sector: the agent must still start and thaw
    // what it can read, not crash-loop with every freeze of the journal left frozen
    Path file = dir.resolve("journal");
    String text = "7:3\t1764583200123\t%2Fpods%2Fa%2Fmount\n"
        + "garbage\n"
        + "8:x\t1\t%2Fpods%2Fb\n"
        + "8:16\t1764583200123\t%2Fpods%2Fc%2Fmount\n"
        + "9:1\t17645";
    Files.write(file, (text + "\u00ff").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    FileFreezeJournal journal = new FileFreezeJournal(file);
    assertThat(journal.entries()).extracting(JournalEntry::device)
        .containsExactly(new DeviceNumber(7, 3), new DeviceNumber(8, 16));
    try (var copies = Files.list(dir)) {
      assertThat(copies.filter(p -> p.getFileName().toString().startsWith("journal.damaged-")).toList())
          .singleElement().satisfies(p -> assertThat(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1))
              .isEqualTo(text + "\u00ff"));
    }
  }
}
