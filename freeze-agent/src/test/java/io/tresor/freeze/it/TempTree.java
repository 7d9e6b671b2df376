package io.tresor.freeze.it;

import io.tresor.freeze.mount.ProcMountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes a test's temp directory, but never while anything is still mounted below it. */
final class TempTree {
  private TempTree() {}

  static void delete(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    Path abs = root.toAbsolutePath().normalize();
    boolean mounted = new ProcMountTable().mounts().stream().anyMatch(m -> m.mountPoint().startsWith(abs));
    if (mounted) {
      System.err.println("left " + abs + " in place: something is still mounted below it");
      return;
    }
    try (Stream<Path> walk = Files.walk(abs)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a temp directory
        }
      });
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }
}
