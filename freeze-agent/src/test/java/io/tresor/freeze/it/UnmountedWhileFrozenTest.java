package io.tresor.freeze.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.fs.IoctlFreezer;
import io.tresor.freeze.journal.FileFreezeJournal;
import io.tresor.freeze.journal.JournalEntry;
import io.tresor.freeze.journal.JournalRecovery;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.MountEntry;
import io.tresor.freeze.mount.ProcMountTable;
import io.tresor.freeze.testing.LoopVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A frozen filesystem can be unmounted (the kubelet unstaging a volume while the agent is down): its superblock stays
 * frozen and the next mount of the device gets it back frozen. The start-up recovery must not forget it (root only).
 */
class UnmountedWhileFrozenTest {
  @Test
  void theJournalKeepsAFreezeWhoseFilesystemIsMountedNowhereAndThawsItOnceMountedAgain() throws Exception {
    LoopVolume.assumeRoot();
    Path dir = Files.createTempDirectory("tresor-unmounted-");
    ProcMountTable mounts = new ProcMountTable();
    try (LoopVolume v = LoopVolume.ext4(dir.resolve("mnt"))) {
      DeviceNumber dev = mounts.deviceOf(v.mountPoint).orElseThrow();
      String source = mounts.mounts().stream().filter(m -> m.mountPoint().equals(v.mountPoint))
          .map(MountEntry::source).reduce((first, top) -> top).orElseThrow();
      FileFreezeJournal journal = new FileFreezeJournal(dir.resolve("journal"));
      journal.record(new JournalEntry(dev, v.mountPoint, Instant.now()));
      v.freezeOutsideTresor();   // the agent's freeze; then the agent is killed
      try {
        LoopVolume.run("umount", v.mountPoint.toString());
        assertThat(mounts.deviceExists(dev)).as("the frozen superblock holds the loop device").isTrue();

        new JournalRecovery(journal, mounts, new IoctlFreezer()).thawAll();
        assertThat(new FileFreezeJournal(dir.resolve("journal")).entries()).as("kept: it may still be frozen")
            .extracting(JournalEntry::device).containsExactly(dev);

        LoopVolume.run("mount", source, v.mountPoint.toString());
        assertThat(LoopVolume.writable(v.mountPoint.resolve("f"), 300)).as("mounted again: still frozen").isFalse();
        assertThat(new JournalRecovery(journal, mounts, new IoctlFreezer()).thawAll())
            .extracting(JournalEntry::device).containsExactly(dev);
        assertThat(LoopVolume.writable(v.mountPoint.resolve("g"), 5000)).isTrue();
        assertThat(journal.entries()).isEmpty();
      } finally {
        // never leave a frozen superblock behind, mounted or not
        if (mounts.deviceOf(v.mountPoint).filter(dev::equals).isEmpty()) {
          LoopVolume.exec("mount", source, v.mountPoint.toString());
        }
        v.thawIfFrozen();
      }
    } finally {
      TempTree.delete(dir);
    }
  }
}
