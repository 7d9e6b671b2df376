package io.tresor.freeze.it;

import io.tresor.freeze.testing.LoopVolume;
import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FilesystemFreezer.Result;
import io.tresor.freeze.fs.FsfreezeCommand;
import io.tresor.freeze.fs.IoctlFreezer;
import io.tresor.freeze.mount.DeviceNumber;
import io.tresor.freeze.mount.ProcMountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both FIFREEZE routes against a real loop ext4: results, EBUSY, EINVAL, the device check (root only). */
class FilesystemFreezerTest {
  static Stream<FilesystemFreezer> freezers() {
    return Stream.of(new IoctlFreezer(), new FsfreezeCommand("/usr/sbin/fsfreeze", Duration.ofSeconds(10)));
  }

  @ParameterizedTest
  @MethodSource("freezers")
  void freezeThawAndTheirErrors(FilesystemFreezer freezer) throws Exception {
    LoopVolume.assumeRoot();
    Path dir = Files.createTempDirectory("tresor-freezer-");
    try (LoopVolume v = LoopVolume.ext4(dir.resolve("mnt"))) {
      DeviceNumber dev = new ProcMountTable().deviceOf(v.mountPoint).orElseThrow();
      assertThat(freezer.freeze(v.mountPoint, dev).result()).isEqualTo(Result.DONE);
      assertThat(LoopVolume.writable(v.mountPoint.resolve("f"), 300)).isFalse();
      assertThat(freezer.freeze(v.mountPoint, dev).result()).isEqualTo(Result.ALREADY_FROZEN);
      assertThat(freezer.thaw(v.mountPoint, dev).result()).isEqualTo(Result.DONE);
      assertThat(freezer.thaw(v.mountPoint, dev).result()).isEqualTo(Result.NOT_FROZEN);
      assertThat(LoopVolume.writable(v.mountPoint.resolve("g"), 5000)).isTrue();
    } finally {
      TempTree.delete(dir);
    }
  }

  @ParameterizedTest
  @MethodSource("freezers")
  void aPathNoLongerOnTheCheckedDeviceIsNotFrozenByTheIoctlRoute(FilesystemFreezer freezer) throws Exception {
    LoopVolume.assumeRoot();
    Path dir = Files.createTempDirectory("tresor-freezer-");
    try (LoopVolume v = LoopVolume.ext4(dir.resolve("mnt"))) {
      if (freezer instanceof IoctlFreezer) {
        FilesystemFreezer.Outcome o = freezer.freeze(v.mountPoint, new DeviceNumber(1, 1));
        assertThat(o.result()).isEqualTo(Result.FAILED);
        assertThat(o.detail()).contains("refusing FIFREEZE");
        assertThat(v.thawIfFrozen()).isFalse();
      }
      // a missing path fails cleanly with both
      assertThat(freezer.freeze(dir.resolve("missing"), null).result()).isEqualTo(Result.FAILED);
    } finally {
      TempTree.delete(dir);
    }
  }
}
