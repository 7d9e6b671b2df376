package io.tresor.freeze.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A real filesystem mounted for a test (ext4 on a loop device, or tmpfs), always thawed and unmounted again: by
 * close(), and by a JVM shutdown hook for whatever a failing test left behind. Root only ({@link #assumeRoot()}).
 */
public final class LoopVolume implements AutoCloseable {
  private static final Set<LoopVolume> LIVE = ConcurrentHashMap.newKeySet();
  // a write blocked on a frozen filesystem must not starve the common pool
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "volume-writer");
    t.setDaemon(true);
    return t;
  });

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LoopVolume::close), "loop-volume-cleanup"));
  }

  /** Where the filesystem is mounted. */
  public final Path mountPoint;
  private final Path image;

  private LoopVolume(Path mountPoint, Path image) {
    this.mountPoint = mountPoint;
    this.image = image;
    LIVE.add(this);
  }

  /** True when this JVM runs as root (uid 0). */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Skips the calling test, with a clear message, unless it runs as root. */
  public static void assumeRoot() {
    Assumptions.assumeTrue(isRoot(),
        "SKIPPED: not root - real FIFREEZE tests need root (loop devices, mount, fsfreeze); CI runs as root");
  }

  /** A 64 MiB ext4 image, loop-mounted at the given (kubelet-style) path. */
  public static LoopVolume ext4(Path mountPoint) throws IOException {
    return ext4(mountPoint, 64);
  }

  /** An ext4 image of the given size, loop-mounted at the given (kubelet-style) path. */
  public static LoopVolume ext4(Path mountPoint, int mebibytes) throws IOException {
    Path image = Files.createTempFile("tresor-freeze-", ".img");
    try {
      try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
        f.setLength((long) mebibytes << 20);
      }
      run("mkfs.ext4", "-q", "-F", image.toString());
      Files.createDirectories(mountPoint);
      run("mount", "-o", "loop", image.toString(), mountPoint.toString());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(image);
      throw e;
    }
    return new LoopVolume(mountPoint, image);
  }

  /** A small tmpfs at the given path (a filesystem that must never be frozen). */
  public static LoopVolume tmpfs(Path mountPoint) throws IOException {
    Files.createDirectories(mountPoint);
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString());
    return new LoopVolume(mountPoint, null);
  }

  /** Freezes it behind the agent's back (the "someone else froze it" case). */
  public void freezeOutsideTresor() throws IOException {
    run("fsfreeze", "-f", mountPoint.toString());
  }

  /** True when a thaw succeeded, i.e. it was frozen. */
  public boolean thawIfFrozen() {
    return exec("fsfreeze", "-u", mountPoint.toString()) == 0;
  }

  /** An application write (with fsync) into the volume: blocks while the filesystem is frozen. */
  public CompletableFuture<Void> write() {
    return write(mountPoint.resolve("app.log"));
  }

  /** True when a write into the volume completes within the time, i.e. the filesystem is not frozen. */
  public boolean writable(long millis) throws Exception {
    return writable(mountPoint.resolve("app.log"), millis);
  }

  /** An application write (4 KiB appended, with fsync) to the file: blocks while its filesystem is frozen. */
  public static CompletableFuture<Void> write(Path file) {
    return CompletableFuture.runAsync(() -> {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(new byte[4096]));
        ch.force(true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, WRITERS);
  }

  /** True when a write to the file completes within the time, i.e. its filesystem is not frozen. */
  public static boolean writable(Path file, long millis) throws Exception {
    try {
      write(file).get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /**
   * A writer that holds the file's filesystem "being written" without writing: splice(2) from an empty pipe into
   * the file keeps the write reference while it waits for data, so a FIFREEZE of that filesystem waits for it,
   * uninterruptibly, until {@link WriteHold#release()}. Skips the calling test without python3 (3.10+).
   */
  public static WriteHold holdWrite(Path file) throws IOException {
    Assumptions.assumeTrue(exec("python3", "-c", "import os; os.splice") == 0,
        "SKIPPED: python3 with os.splice (3.10+) is needed to hold a filesystem's write reference");
    Process p = new ProcessBuilder(List.of("python3", "-c", String.join("\n",
        "import os, sys",
        "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)",
        "print('holding', flush=True)",
        "os.splice(0, fd, 4096)"), file.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
    if (!"holding".equals(line)) {
      p.destroyForcibly();
      throw new IOException("write holder did not start: " + line);
    }
    try {
      Thread.sleep(500);   // into splice()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new WriteHold(p);
  }

  /** See {@link #holdWrite(Path)}. */
  public static final class WriteHold implements AutoCloseable {
    private final Process process;

    private WriteHold(Process process) {
      this.process = process;
    }

    /** The data comes: the writer finishes and a FIFREEZE that waited for it completes. */
    public void release() throws Exception {
      try (var in = process.getOutputStream()) {
        in.write("data\n".getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("write holder did not finish");
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** Thaws, unmounts (lazily if busy; the loop device goes with it) and deletes the image; idempotent. */
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

  /** Runs a command (60 s at most); throws with its output when it fails. */
  public static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
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

  /** Runs a command (30 s at most), output discarded; its exit code, or -1 when it could not run. */
  public static int exec(String... cmd) {
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
