package io.tresor.freeze.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoParserTest {
  // Shapes taken from a worker node: root, kubelet's CSI global mount, a pod volume, NFS, tmpfs.
  private static final String MOUNTINFO = String.join("\n",
      "22 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/rhel-root rw,attr2,inode64",
      "25 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
      "310 22 8:16 / /var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/abc/globalmount rw,relatime shared:150 - ext4 /dev/nvme1n1 rw",
      "412 22 8:16 / /var/lib/kubelet/pods/0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f/volumes/kubernetes.io~csi/pvc-1/mount rw,relatime shared:150 - ext4 /dev/nvme1n1 rw",
      "500 22 0:55 / /mnt/with\\040space\\011tab\\134back rw shared:200 master:3 - nfs4 10.0.0.1:/export rw,vers=4.2",
      "501 22 0:56 / /run/tmp rw - tmpfs tmpfs rw,size=1024k",
      "");

  @Test
  void parsesEveryFieldAndSkipsOptionalFields() {
    List<MountEntry> mounts = MountInfoParser.parse(MOUNTINFO);
    assertThat(mounts).hasSize(6);
    MountEntry pod = mounts.get(3);
    assertThat(pod.mountId()).isEqualTo(412);
    assertThat(pod.parentId()).isEqualTo(22);
    assertThat(pod.device()).isEqualTo(new DeviceNumber(8, 16));
    assertThat(pod.root()).isEqualTo("/");
    assertThat(pod.mountPoint()).isEqualTo(Path.of(
        "/var/lib/kubelet/pods/0f4c7a1e-3b2d-4c5e-9f60-7a8b9c0d1e2f/volumes/kubernetes.io~csi/pvc-1/mount"));
    assertThat(pod.fsType()).isEqualTo("ext4");
    assertThat(pod.source()).isEqualTo("/dev/nvme1n1");
  }

  @Test
  void decodesOctalEscapesInPaths() {
    MountEntry nfs = MountInfoParser.parse(MOUNTINFO).get(4);
    assertThat(nfs.mountPoint()).isEqualTo(Path.of("/mnt/with space\ttab\\back"));
    assertThat(nfs.fsType()).isEqualTo("nfs4");
    assertThat(nfs.source()).isEqualTo("10.0.0.1:/export");
  }

  @Test
  void leavesAStrayBackslashAlone() {
    assertThat(MountInfoParser.unescape("a\\9b\\04")).isEqualTo("a\\9b\\04");
    assertThat(MountInfoParser.unescape("\\012")).isEqualTo("\n");
  }

  @Test
  void refusesALineWithoutSeparator() {
    assertThatThrownBy(() -> MountInfoParser.parseLine("22 1 253:0 / / rw shared:1 xfs /dev/sda rw"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodesStDevLikeGlibc() {
    // makedev(8, 16) and makedev(259, 70000): both encodings of dev_t.
    assertThat(DeviceNumber.fromStDev(0x810L)).isEqualTo(new DeviceNumber(8, 16));
    long big = ((259L & 0xfff) << 8) | ((259L & ~0xfffL) << 32) | (70000L & 0xff) | ((70000L & ~0xffL) << 12);
    assertThat(DeviceNumber.fromStDev(big)).isEqualTo(new DeviceNumber(259, 70000));
    assertThat(DeviceNumber.parse("253:0")).isEqualTo(new DeviceNumber(253, 0));
  }
}
