package io.tresor.tls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory laid out like a kubelet Secret volume with {@code tls.crt} and {@code tls.key}: both are symlinks
 * through {@code ..data} to a timestamped directory, and an update writes a new directory and then swaps
 * {@code ..data} with one atomic rename, so a reader sees the old pair or the new pair, never a mix.
 */
public final class SecretVolume {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private final Path dir;

  public SecretVolume(Path dir, byte[] certPem, byte[] keyPem) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    publish(certPem, keyPem);
    Files.createSymbolicLink(cert(), Path.of("..data", "tls.crt"));
    Files.createSymbolicLink(key(), Path.of("..data", "tls.key"));
  }

  public Path cert() {
    return dir.resolve("tls.crt");
  }

  public Path key() {
    return dir.resolve("tls.key");
  }

  /** Publishes a new pair the way the kubelet does: new files first, then one atomic swap of {@code ..data}. */
  public void publish(byte[] certPem, byte[] keyPem) throws IOException {
    Path version = dir.resolve("..v" + SEQ.incrementAndGet());
    Files.createDirectories(version);
    Files.write(version.resolve("tls.crt"), certPem);
    Files.write(version.resolve("tls.key"), keyPem);
    Path link = dir.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, version.getFileName());
    Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
