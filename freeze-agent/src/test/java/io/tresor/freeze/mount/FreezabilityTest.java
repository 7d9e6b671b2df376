package io.tresor.freeze.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreezabilityTest {
  private static final Path PODS = Path.of("/var/lib/kubelet/pods");
  private static final Path VOL = PODS.resolve("0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f/volumes/kubernetes.io~csi/pv1/mount");
  private static final DeviceNumber ROOT = new DeviceNumber(253, 0);
  private static final DeviceNumber DISK = new DeviceNumber(8, 16);

  /** A table of stat results and mountinfo lines. */
  static final class FakeMounts implements MountTable {
    final Map<Path, DeviceNumber> devices = new HashMap<>();
    final List<MountEntry> mounts = new ArrayList<>();
    final Set<Path> notDirectories = new HashSet<>();

    FakeMounts dev(Path p, DeviceNumber d) {
      devices.put(p, d);
      return this;
    }

    FakeMounts mount(Path p, DeviceNumber d, String type) {
      mounts.add(new MountEntry(mounts.size() + 100, 1, d, "/", p, type, "src"));
      return this;
    }

    @Override
    public List<MountEntry> mounts() {
      return mounts;
    }

    @Override
    public Optional<DeviceNumber> deviceOf(Path path) {
      return Optional.ofNullable(devices.get(path));
    }

    @Override
    public boolean isDirectory(Path path) {
      return devices.containsKey(path) && !notDirectories.contains(path);
    }
  }

  private static FakeMounts mountedVolume(String type) {
    return new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, DISK).mount(VOL, DISK, type);
  }

  @ParameterizedTest
  @CsvSource({"ext4", "xfs", "btrfs"})
  void aMountPointOfAFreezableFilesystemQualifies(String type) {
    FreezeTarget t = new Freezability(mountedVolume(type), Set.of(ROOT)).decide(VOL);
    assertThat(t.freezable()).as(t.reason()).isTrue();
    assertThat(t.device()).isEqualTo(DISK);
    assertThat(t.mountPoint()).isEqualTo(VOL);
  }

  @ParameterizedTest
  @CsvSource({
      "nfs4, network filesystem",
      "nfs, network filesystem",
      "ceph, shared network filesystem",
      "cifs, shared network filesystem",
      "tmpfs, memory filesystem",
      "fuse.s3fs, FUSE",
      "fuse, FUSE",
      "devtmpfs, block volume",
      "overlay, not in the freezable list",
      "vfat, not in the freezable list"})
  void otherFilesystemTypesAreRefusedWithAReason(String type, String reason) {
    FreezeTarget t = new Freezability(mountedVolume(type), Set.of(ROOT)).decide(VOL);
    assertThat(t.freezable()).isFalse();
    assertThat(t.code()).isEqualTo("unsupported-fs");
    assertThat(t.reason()).startsWith(type + ":").contains(reason);
  }

  @Test
  void aPlainDirectoryIsNeverAMountPoint() {
    // st_dev equal to the parent's: FIFREEZE here would freeze the node's root filesystem.
    FakeMounts m = new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, ROOT);
    FreezeTarget t = new Freezability(m, Set.of()).decide(VOL);
    assertThat(t.freezable()).isFalse();
    assertThat(t.code()).isEqualTo("not-mount-point");
  }

  @Test
  void aDifferentDeviceWithoutAMountinfoLineIsRefused() {
    FakeMounts m = new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, DISK);
    assertThat(new Freezability(m, Set.of()).decide(VOL).code()).isEqualTo("not-mount-point");
  }

  @Test
  void mountinfoAndStatMustAgreeOnTheDevice() {
    FakeMounts m = new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, DISK).mount(VOL, new DeviceNumber(8, 32), "ext4");
    assertThat(new Freezability(m, Set.of()).decide(VOL).code()).isEqualTo("device-mismatch");
  }

  @Test
  void theTopmostOfStackedMountsCounts() {
    FakeMounts m = new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, new DeviceNumber(0, 60))
        .mount(VOL, DISK, "ext4").mount(VOL, new DeviceNumber(0, 60), "tmpfs");
    assertThat(new Freezability(m, Set.of()).decide(VOL).code()).isEqualTo("unsupported-fs");
  }

  @Test
  void aBindMountOfADirectoryOfASharedFilesystemIsRefused() {
    // KubeVirt hostpath-provisioner / csi-driver-host-path: the volume is /pvc-1 of one disk shared by all volumes;
    // FIFREEZE would freeze the whole disk.
    FakeMounts m = new FakeMounts().dev(VOL.getParent(), ROOT).dev(VOL, DISK);
    m.mounts.add(new MountEntry(100, 1, DISK, "/csi-hostpath/pvc-1", VOL, "xfs", "/dev/sdb"));
    FreezeTarget t = new Freezability(m, Set.of(ROOT)).decide(VOL);
    assertThat(t.freezable()).isFalse();
    assertThat(t.code()).isEqualTo("shared-filesystem");
    assertThat(t.reason()).contains("/csi-hostpath/pvc-1").contains("every other volume")
        .contains("its own filesystem");
  }

  @Test
  void protectedDevicesAreNeverFrozen() {
    FreezeTarget t = new Freezability(mountedVolume("ext4"), Set.of(ROOT, DISK)).decide(VOL);
    assertThat(t.freezable()).isFalse();
    assertThat(t.code()).isEqualTo("protected-device");
  }

  @Test
  void aMissingPathOrANonDirectoryIsRefused() {
    assertThat(new Freezability(new FakeMounts(), Set.of()).decide(VOL).code()).isEqualTo("not-mounted");
    FakeMounts block = mountedVolume("ext4");
    block.notDirectories.add(VOL);
    assertThat(new Freezability(block, Set.of()).decide(VOL).code()).isEqualTo("block-volume");
  }
}
