package io.tresor.freeze.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real filesystem mounted for a test (loop ext4, or tmpfs), always thawed and unmounted again:
 * by close(), and by a JVM shutdown hook for whatever a failing test left behind.
 */
final class LoopVolume implements AutoCloseable {
  private static final Set<LoopVolume> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LoopVolume::close), "loop-volume-cleanup"));
  }

  final Path mountPoint;
  private final Path image;

  private LoopVolume(Path mountPoint, Path image) {
    this.mountPoint = mountPoint;
    this.image = image;
    LIVE.add(this);
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static void assumeRoot() {
    Assumptions.assumeTrue(isRoot(),
        "SKIPPED: not root - real FIFREEZE tests need root (loop devices, mount, fsfreeze); CI runs as root");
  }

  /** A 64 MiB ext4 image, loop-mounted at the given (kubelet-style) path. */
  static LoopVolume ext4(Path mountPoint) throws IOException {
    Path image = Files.createTempFile("tresor-freeze-", ".img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    run("mkfs.ext4", "-q", "-F", image.toString());
    Files.createDirectories(mountPoint);
    run("mount", "-o", "loop", image.toString(), mountPoint.toString());
    return new LoopVolume(mountPoint, image);
  }

  /** A small tmpfs at the given path (a filesystem that must never be frozen). */
  static LoopVolume tmpfs(Path mountPoint) throws IOException {
    Files.createDirectories(mountPoint);
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString());
    return new LoopVolume(mountPoint, null);
  }

  /** Freezes it behind the agent's back (the "someone else froze it" case). */
  void freezeOutsideTresor() throws IOException {
    run("fsfreeze", "-f", mountPoint.toString());
  }

  /** True when a thaw succeeded, i.e. it was frozen. */
  boolean thawIfFrozen() {
    return exec("fsfreeze", "-u", mountPoint.toString()) == 0;
  }

  @Override
  public void close() {
    if (!LIVE.remove(this)) {
      return;
    }
    exec("fsfreeze", "-u", mountPoint.toString());
    if (exec("umount", mountPoint.toString()) != 0) {
      exec("umount", "-l", mountPoint.toString());
    }
    if (image != null) {
      try {
        Files.deleteIfExists(image);
      } catch (IOException ignored) {
        // a temp file; the loop device is already released by umount (autoclear)
      }
    }
  }

  static void run(String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true);
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", cmd));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: "
          + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static int exec(String... cmd) {
    try {
      Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
