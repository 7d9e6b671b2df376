package io.tresor.freeze.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed serving certificates for 127.0.0.1 made with openssl, as PEM bytes. */
public final class TestCertificates {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private TestCertificates() {}

  /** A certificate and its key in PEM. */
  public record Pair(byte[] certPem, byte[] keyPem, X509Certificate certificate) {}

  /** Whether openssl can be run (tests that need certificates skip without it). */
  public static boolean available() {
    return LoopVolume.exec("openssl", "version") == 0;
  }

  /** A new EC P-256 key (PKCS#8) and a self-signed certificate for {@code CN=<cn>} and IP 127.0.0.1. */
  public static Pair selfSigned(Path workDir, String cn) throws IOException, GeneralSecurityException {
    return made(workDir, cn, key -> LoopVolume.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", key + ".crt", "-days", "1",
        "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1"));
  }

  /**
   * A new RSA key written as PKCS#1 ({@code RSA PRIVATE KEY}, as OpenShift's service CA writes it) and a self-signed
   * certificate for {@code CN=<cn>} and IP 127.0.0.1.
   */
  public static Pair selfSignedRsaPkcs1(Path workDir, String cn) throws IOException, GeneralSecurityException {
    return made(workDir, cn, key -> LoopVolume.run("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048"));
  }

  /**
   * A new EC P-256 key as {@code openssl ecparam -genkey} writes it (an {@code EC PARAMETERS} block, then the SEC1
   * {@code EC PRIVATE KEY}) and a self-signed certificate for {@code CN=<cn>} and IP 127.0.0.1.
   */
  public static Pair selfSignedEcSec1(Path workDir, String cn) throws IOException, GeneralSecurityException {
    return made(workDir, cn, key -> LoopVolume.run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out",
        key.toString()));
  }

  private interface KeyMaker {
    void make(Path key) throws IOException;
  }

  /** Runs {@code keyMaker} to write a key file, then self-signs a certificate for it unless the maker wrote one. */
  private static Pair made(Path workDir, String cn, KeyMaker keyMaker) throws IOException, GeneralSecurityException {
    Files.createDirectories(workDir);
    int n = SEQ.incrementAndGet();
    Path key = workDir.resolve("made-" + n + ".key");
    Path cert = workDir.resolve("made-" + n + ".key.crt");
    keyMaker.make(key);
    if (!Files.exists(cert)) {
      LoopVolume.run("openssl", "req", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "1",
          "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1");
    }
    byte[] certPem = Files.readAllBytes(cert);
    byte[] keyPem = Files.readAllBytes(key);
    Files.delete(cert);
    Files.delete(key);
    return new Pair(certPem, keyPem, certificate(certPem));
  }

  public static X509Certificate certificate(byte[] pem) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem));
  }

  /** A client TLS context that trusts exactly these certificates. */
  public static SSLContext trusting(Collection<X509Certificate> trusted) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (X509Certificate c : trusted) {
      store.setCertificateEntry("trusted-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
