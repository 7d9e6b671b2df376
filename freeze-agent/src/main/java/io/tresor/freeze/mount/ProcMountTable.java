package io.tresor.freeze.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@link MountTable} of this process: {@code /proc/self/mountinfo} and {@code stat(2)}. */
public final class ProcMountTable implements MountTable {
  private final Path mountinfo;

  public ProcMountTable() {
    this(Path.of("/proc/self/mountinfo"));
  }

  public ProcMountTable(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  @Override
  public List<MountEntry> mounts() {
    try {
      return MountInfoParser.parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + mountinfo, e);
    }
  }

  @Override
  public Optional<DeviceNumber> deviceOf(Path path) {
    try {
      Object dev = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      return Optional.of(DeviceNumber.fromStDev((Long) dev));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean deviceExists(DeviceNumber device) {
    Path sysBlock = Path.of("/sys/dev/block");
    if (device.major() == 0 || !Files.isDirectory(sysBlock)) {
      return true;   // an anonymous device (btrfs), or no sysfs to ask: assume it is there
    }
    return Files.exists(sysBlock.resolve(device.toString()));
  }

  @Override
  public boolean isDirectory(Path path) {
    return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
  }
}
