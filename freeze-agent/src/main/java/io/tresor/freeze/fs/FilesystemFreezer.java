package io.tresor.freeze.fs;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

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

  /**
   * The result and, for FAILED, what went wrong. {@code settled} completes once the call can no longer take
   * effect: at once, except for an UNCERTAIN call whose fsfreeze child has not exited yet (FIFREEZE waits
   * uninterruptibly for writers, so a killed child may still freeze the filesystem before it dies).
   */
  record Outcome(Result result, String detail, CompletableFuture<?> settled) {
    public static final Outcome DONE = new Outcome(Result.DONE, "");

    public Outcome(Result result, String detail) {
      this(result, detail, CompletableFuture.completedFuture(null));
    }
  }

  /** @param device the device the mount point must be on (implementations that can, check it) */
  Outcome freeze(Path mountPoint, DeviceNumber device);

  Outcome thaw(Path mountPoint, DeviceNumber device);
}
