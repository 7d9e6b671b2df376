package io.tresor.freeze.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificate of a PEM certificate file and key file and re-reads both every period, so that a
 * certificate the service CA rotated in the mounted Secret is served without a restart. A pair that cannot be
 * served (half-written, garbage, a key of another certificate) never replaces the one being served.
 *
 * <p>Why not the key manager's own file refresh: it polls at most once a minute, installs a key without checking
 * that it belongs to the certificate, and logs every failed poll. Its key manager is still the one serving:
 * it swaps certificate and key as one snapshot and keeps the previous one, so a handshake that chose its alias
 * before a swap still gets a matching key and chain.
 */
public final class CertificateReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

  /** What one look at the files did. */
  enum Check { UNCHANGED, RELOADED, REJECTED }

  private final Path certFile;
  private final Path keyFile;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tls-reload");
    t.setDaemon(true);
    return t;
  });
  private volatile ServingCertificate serving;
  /** The content digest (or read failure) of the last look: what was warned about is not warned about again. */
  private String lastSeen;

  /** Loads the pair now (failing when it cannot be served), then polls the files every {@code period}. */
  public static CertificateReloader start(Path certFile, Path keyFile, Duration period)
      throws UnusableCertificateException {
    CertificateReloader reloader = new CertificateReloader(certFile, keyFile);
    reloader.poller.scheduleWithFixedDelay(reloader::checkQuietly, period.toMillis(), period.toMillis(),
        TimeUnit.MILLISECONDS);
    return reloader;
  }

  /** Loads the pair now; no polling (tests call {@link #check()}). */
  CertificateReloader(Path certFile, Path keyFile) throws UnusableCertificateException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    byte[] cert = read(certFile, "certificate");
    byte[] key = read(keyFile, "key");
    install(ServingCertificate.parse(certFile, cert, keyFile, key));
    lastSeen = digest(cert, key);
    LOG.info("serving certificate from {}: {}", certFile, serving.describe());
  }

  /** The key manager to serve TLS with; it always holds the last good pair. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  public ServingCertificate serving() {
    return serving;
  }

  /** Looks at the files once: reloads them if they changed and can be served, else warns once per change. */
  synchronized Check check() {
    byte[] cert = null;
    byte[] key = null;
    String seen;
    UnusableCertificateException unreadable = null;
    try {
      cert = read(certFile, "certificate");
      key = read(keyFile, "key");
      seen = digest(cert, key);
    } catch (UnusableCertificateException e) {
      unreadable = e;
      seen = e.getMessage();
    }
    if (seen.equals(lastSeen)) {
      return Check.UNCHANGED;
    }
    lastSeen = seen;
    try {
      if (unreadable != null) {
        throw unreadable;
      }
      install(ServingCertificate.parse(certFile, cert, keyFile, key));
      LOG.info("serving certificate reloaded from {}: {}", certFile, serving.describe());
      return Check.RELOADED;
    } catch (UnusableCertificateException e) {
      warn(e.getMessage());
      return Check.REJECTED;
    } catch (RuntimeException e) {
      // the class only: a parser's message might quote what it choked on
      warn("unexpected " + e.getClass().getName());
      return Check.REJECTED;
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException | Error e) {
      // an exception escaping a scheduled task would end the polling for good
      LOG.warn("serving certificate check failed: {}", e.getClass().getName());
    }
  }

  private void warn(String problem) {
    LOG.warn("serving certificate not reloaded: {}; still serving {} (said once per change of the files)", problem,
        serving.describe());
  }

  private void install(ServingCertificate next) {
    keyManager.updateIdentityCredentials(next.chain().toArray(X509Certificate[]::new), next.key());
    serving = next;
  }

  private static byte[] read(Path file, String what) throws UnusableCertificateException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UnusableCertificateException("cannot read the " + what + " file " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static String digest(byte[] cert, byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(cert);
      sha.update((byte) 0);
      sha.update(key);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Stops polling; the key manager keeps serving what it holds. */
  @Override
  public void close() {
    poller.shutdownNow();
  }
}
