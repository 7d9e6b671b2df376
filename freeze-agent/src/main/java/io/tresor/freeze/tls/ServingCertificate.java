package io.tresor.freeze.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/** A certificate chain and the private key of its first certificate, parsed from PEM and checked to belong together. */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey key) {
  public ServingCertificate {
    chain = List.copyOf(chain);
  }

  /**
   * Parses {@code certPem} (PEM certificates, the serving one first) and {@code keyPem} (an unencrypted PKCS#8 or
   * PKCS#1 RSA key); the paths only name the files in error messages.
   */
  public static ServingCertificate parse(Path certFile, byte[] certPem, Path keyFile, byte[] keyPem)
      throws UnusableCertificateException {
    List<X509Certificate> chain = certificates(certFile, certPem);
    PrivateKey key = PrivateKeyPem.read(keyFile, keyPem, chain.get(0).getPublicKey().getAlgorithm());
    requireMatch(key, chain.get(0), certFile, keyFile);
    return new ServingCertificate(chain, key);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** Subject, serial and expiry of the serving certificate: what an operator needs to tell two certificates apart. */
  public String describe() {
    return "subject " + leaf().getSubjectX500Principal().getName() + ", serial " + serial(leaf()) + ", valid until "
        + leaf().getNotAfter().toInstant();
  }

  /** Upper-case hex, as {@code openssl x509 -noout -serial} prints it. */
  static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
  }

  private static List<X509Certificate> certificates(Path file, byte[] pem) throws UnusableCertificateException {
    if (new String(pem, StandardCharsets.US_ASCII).contains("PRIVATE KEY-----")) {
      // not parsed, so that no parser message can quote the key; most likely the two files were swapped
      throw new UnusableCertificateException("the certificate file " + file
          + " holds a private key: are --tls-cert and --tls-key swapped?");
    }
    try {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream().map(c -> (X509Certificate) c).toList();
      if (chain.isEmpty()) {
        throw new UnusableCertificateException("the certificate file " + file + " holds no PEM certificate");
      }
      return chain;
    } catch (CertificateException e) {
      throw new UnusableCertificateException("the certificate file " + file + " holds no readable PEM certificate ("
          + e.getMessage() + ")");
    }
  }

  /** A half-rotated pair (new certificate, old key) must never be served: sign with the key, verify with the cert. */
  private static void requireMatch(PrivateKey key, X509Certificate leaf, Path certFile, Path keyFile)
      throws UnusableCertificateException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new UnusableCertificateException("the key file " + keyFile + " holds a "
          + key.getAlgorithm() + " key; the agent serves RSA, EC or Ed25519 keys");
    };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another curve fails here instead of verifying false
    }
    throw new UnusableCertificateException("the key in " + keyFile + " is not the key of the first certificate in "
        + certFile + " (" + leaf.getSubjectX500Principal().getName() + ", serial " + serial(leaf) + ")");
  }
}
