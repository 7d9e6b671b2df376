package io.tresor.freeze.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.tresor.tls.CertificateWatcher;
import io.tresor.tls.PemCredentials;
import io.tresor.tls.UnusableCertificateException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The agent's serving certificate for gRPC: serving-tls's {@link CertificateWatcher} re-reads the PEM files and
 * feeds every servable pair to grpc-util's key manager, so a certificate the service CA rotated in the mounted
 * Secret is served without a restart.
 *
 * <p>Why not the key manager's own file refresh: it polls at most once a minute, installs a key without checking
 * that it belongs to the certificate, and logs every failed poll. Its key manager is still the one serving:
 * it swaps certificate and key as one snapshot and keeps the previous one, so a handshake that chose its alias
 * before a swap still gets a matching key and chain.
 */
public final class CertificateReloader implements AutoCloseable {
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final CertificateWatcher watcher;

  /** Loads the pair now (failing when it cannot be served), then polls the files every {@code period}. */
  public static CertificateReloader start(Path certFile, Path keyFile, Duration period)
      throws UnusableCertificateException {
    CertificateReloader reloader = new CertificateReloader(certFile, keyFile);
    reloader.watcher.watch(period);
    return reloader;
  }

  /** Loads the pair now; no polling (tests call {@link #check()}). */
  CertificateReloader(Path certFile, Path keyFile) throws UnusableCertificateException {
    watcher = new CertificateWatcher(certFile, keyFile, "tls-reload", this::install);
    install(watcher.current());
  }

  /** The key manager to serve TLS with; it always holds the last good pair. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  public PemCredentials serving() {
    return watcher.current();
  }

  CertificateWatcher.Check check() {
    return watcher.check();
  }

  private void install(PemCredentials next) {
    keyManager.updateIdentityCredentials(next.chain().toArray(X509Certificate[]::new), next.key());
  }

  /** Stops polling; the key manager keeps serving what it holds. */
  @Override
  public void close() {
    watcher.close();
  }
}
