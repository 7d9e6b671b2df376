package io.tresor.freeze.client.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
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
 * A real ext4 on a loop device at a kubelet-style path, always thawed and unmounted again: by close(), and by a
 * JVM shutdown hook for whatever a failing test left behind. Root only.
 */
public final class LoopExt4 implements AutoCloseable {
  private static final Set<LoopExt4> LIVE = ConcurrentHashMap.newKeySet();
  // a write blocked on a frozen filesystem must not starve the common pool
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "volume-writer");
    t.setDaemon(true);
    return t;
  });

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LoopExt4::close), "loop-ext4-cleanup"));
  }

  public final Path mountPoint;
  private final Path image;

  private LoopExt4(Path mountPoint, Path image) {
    this.mountPoint = mountPoint;
    this.image = image;
    LIVE.add(this);
  }

  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public static void assumeRoot() {
    Assumptions.assumeTrue(isRoot(),
        "SKIPPED: not root - real FIFREEZE tests need root (loop devices, mount, fsfreeze); CI runs as root");
  }

  /** A 32 MiB ext4 image, loop-mounted at the given path. */
  public static LoopExt4 mount(Path mountPoint) throws IOException {
    Path image = Files.createTempFile("tresor-consistency-", ".img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(32L << 20);
    }
    run("mkfs.ext4", "-q", "-F", image.toString());
    Files.createDirectories(mountPoint);
    run("mount", "-o", "loop", image.toString(), mountPoint.toString());
    return new LoopExt4(mountPoint, image);
  }

  /** An application write (with fsync) into the volume: blocks while the filesystem is frozen. */
  public CompletableFuture<Void> write() {
    Path file = mountPoint.resolve("app.log");
    return CompletableFuture.runAsync(() -> {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(new byte[4096]));
        ch.force(true);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, WRITERS);
  }

  /** True when a write completes within the time, i.e. the filesystem is not frozen. */
  public boolean writable(long millis) throws Exception {
    try {
      write().get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
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
    try {
      Files.deleteIfExists(image);
    } catch (IOException ignored) {
      // a temp file; the loop device is released by umount (autoclear)
    }
  }

  private static void run(String... cmd) throws IOException {
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

  private static int exec(String... cmd) {
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
