package io.tresor.freeze.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An application writing to the volume: a write into a frozen filesystem blocks until thaw. */
final class Writer {
  // Own threads: a write blocked on a frozen filesystem must not starve the common pool.
  private static final java.util.concurrent.ExecutorService THREADS =
      java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "volume-writer");
        t.setDaemon(true);
        return t;
      });

  private Writer() {}

  static CompletableFuture<Void> write(Path file) {
    return CompletableFuture.runAsync(() -> {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(new byte[4096]));
        ch.force(true);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, THREADS);
  }

  /** True when a write to the volume completes within the given time (i.e. it is not frozen). */
  static boolean completesWithin(Path file, long millis) throws Exception {
    CompletableFuture<Void> w = write(file);
    try {
      w.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }
}
