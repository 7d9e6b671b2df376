package io.tresor.freeze.mount;

import java.nio.file.Path;

/** The verdict of {@link Freezability}: a path and device to freeze, or a code and reason not to. */
public record FreezeTarget(boolean freezable, Path mountPoint, DeviceNumber device, String fsType,
                           String code, String reason) {

  public static FreezeTarget freezable(Path mountPoint, DeviceNumber device, String fsType) {
    return new FreezeTarget(true, mountPoint, device, fsType, "", "");
  }

  public static FreezeTarget refused(String code, String reason) {
    return new FreezeTarget(false, null, null, null, code, reason);
  }
}
