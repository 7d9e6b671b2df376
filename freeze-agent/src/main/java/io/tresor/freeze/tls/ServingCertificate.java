package io.tresor.freeze.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** A certificate chain and the private key of its first certificate, parsed from PEM and checked to belong together. */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey key) {
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";

  public ServingCertificate {
    chain = List.copyOf(chain);
  }

  /**
   * Parses {@code certPem} (PEM certificates, the serving one first) and {@code keyPem} (an unencrypted PKCS#8
   * {@code PRIVATE KEY}); the paths only name the files in error messages.
   */
  public static ServingCertificate parse(Path certFile, byte[] certPem, Path keyFile, byte[] keyPem)
      throws UnusableCertificateException {
    List<X509Certificate> chain = certificates(certFile, certPem);
    PrivateKey key = privateKey(keyFile, keyPem, chain.get(0));
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
    return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
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

  private static PrivateKey privateKey(Path file, byte[] pem, X509Certificate leaf)
      throws UnusableCertificateException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      throw new UnusableCertificateException("the key file " + file + " holds no PKCS#8 key (" + KEY_BEGIN + ")"
          + otherKeyForm(text));
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the offending character: never log it
      throw new UnusableCertificateException("the key file " + file + " is not valid PEM (bad base64)");
    }
    String algorithm = leaf.getPublicKey().getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new UnusableCertificateException("the key file " + file + " holds no readable " + algorithm
          + " key, the kind of key of the certificate's (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String otherKeyForm(String text) {
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      return "; it is encrypted, the agent needs it unencrypted";
    }
    if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
      return "; it is PKCS#1/SEC1, convert it with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8";
    }
    return "";
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
