package io.tresor.freeze.fs;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;

/** FIFREEZE / FITHAW on the filesystem mounted at a path. */
public interface FilesystemFreezer {

  /** Outcome of one ioctl. */
  enum Result {
    DONE,
    /** FIFREEZE: EBUSY, somebody else already froze it. */
    ALREADY_FROZEN,
    /** FITHAW: EINVAL, it was not frozen. */
    NOT_FROZEN,
    /** The ioctl was refused or never issued: nothing changed. The detail says why. */
    FAILED,
    /** It may or may not have taken effect (a timeout): the caller must assume it did. */
    UNCERTAIN
  }

  /** The result and, for FAILED, what went wrong. */
  record Outcome(Result result, String detail) {
    public static final Outcome DONE = new Outcome(Result.DONE, "");
  }

  /** @param device the device the mount point must be on (implementations that can, check it) */
  Outcome freeze(Path mountPoint, DeviceNumber device);

  Outcome thaw(Path mountPoint, DeviceNumber device);
}
