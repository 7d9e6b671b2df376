package io.tresor.freeze.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.MountEntry;
import io.tresor.freeze.mount.MountTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRecoveryTest {
  private static final DeviceNumber A = new DeviceNumber(7, 0);
  private static final DeviceNumber B = new DeviceNumber(7, 1);
  private static final DeviceNumber C = new DeviceNumber(7, 2);
  private static final DeviceNumber D = new DeviceNumber(7, 3);
  private static final Path GONE = Path.of("/pods/u1/volumes/kubernetes.io~csi/pv-a/mount");
  private static final Path GLOBAL = Path.of("/plugins/kubernetes.io/csi/ebs.csi.aws.com/x/globalmount");
  private static final Path B_MOUNT = Path.of("/pods/u2/volumes/kubernetes.io~csi/pv-b/mount");

  @TempDir
  Path dir;

  @Test
  void thawsThroughAnyMountOfTheRecordedDeviceAndKeepsWhatItCouldNotThaw() {
    FileFreezeJournal journal = new FileFreezeJournal(dir.resolve("journal"));
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    journal.record(new JournalEntry(A, GONE, t));        // pod gone; the device is still at its global mount
    journal.record(new JournalEntry(B, B_MOUNT, t));     // thaw fails: stays for the next start
    journal.record(new JournalEntry(C, Path.of("/pods/u3/mount"), t)); // device gone: nothing can be frozen on it
    // unmounted everywhere while frozen, the device still there: the superblock stays frozen and a later mount of
    // the device gets it back frozen
    journal.record(new JournalEntry(D, Path.of("/pods/u4/mount"), t));
    Map<Path, DeviceNumber> stat = Map.of(GLOBAL, A, B_MOUNT, B);
    MountTable mounts = new MountTable() {
      @Override
      public List<MountEntry> mounts() {
        return List.of(new MountEntry(1, 0, A, "/", GLOBAL, "ext4", "/dev/loop0"),
            new MountEntry(2, 0, B, "/", B_MOUNT, "xfs", "/dev/loop1"));
      }

      @Override
      public Optional<DeviceNumber> deviceOf(Path path) {
        return Optional.ofNullable(stat.get(path));
      }

      @Override
      public boolean isDirectory(Path path) {
        return stat.containsKey(path);
      }

      @Override
      public boolean deviceExists(DeviceNumber device) {
        return !device.equals(C);
      }
    };
    List<String> thawed = new ArrayList<>();
    FilesystemFreezer freezer = new FilesystemFreezer() {
      @Override
      public Outcome freeze(Path mountPoint, DeviceNumber device) {
        throw new AssertionError("recovery never freezes");
      }

      @Override
      public Outcome thaw(Path mountPoint, DeviceNumber device) {
        thawed.add(mountPoint + "@" + device);
        return device.equals(B) ? new Outcome(Result.FAILED, "errno 5") : Outcome.DONE;
      }
    };

    List<JournalEntry> resolved = new JournalRecovery(journal, mounts, freezer).thawAll();

    assertThat(thawed).containsExactly(GLOBAL + "@" + A, B_MOUNT + "@" + B);
    assertThat(resolved).extracting(JournalEntry::device).containsExactly(A, C);
    assertThat(new FileFreezeJournal(dir.resolve("journal")).entries()).extracting(JournalEntry::device)
        .containsExactly(B, D);
  }
}
