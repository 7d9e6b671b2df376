package io.tresor.freeze.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The private key of a PEM key file: PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}, what
 * OpenShift's service CA writes into its serving-certificate Secrets), read with the JDK's key factories.
 * Error messages name the file and the problem and never quote the file.
 */
final class PrivateKeyPem {
  /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PrivateKeyPem() {}

  /** The key in {@code pem}, which must be a key of {@code algorithm} (the certificate's). */
  static PrivateKey read(Path file, byte[] pem, String algorithm) throws UnusableCertificateException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    byte[] pkcs8 = block(file, text, "PRIVATE KEY");
    if (pkcs8 == null) {
      byte[] pkcs1 = block(file, text, "RSA PRIVATE KEY");
      pkcs8 = pkcs1 == null ? null : pkcs8FromPkcs1(pkcs1);
    }
    if (pkcs8 == null) {
      throw new UnusableCertificateException("the key file " + file + " holds no PEM private key (PRIVATE KEY or "
          + "RSA PRIVATE KEY)" + otherForm(text));
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new UnusableCertificateException("the key file " + file + " holds no readable " + algorithm
          + " key, the kind of key of the certificate's (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The DER of the first {@code type} block, or null when there is none. */
  private static byte[] block(Path file, String text, String type) throws UnusableCertificateException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end, Math.max(from, 0));
    if (from < 0 || to < 0) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      // the decoder's message quotes the offending character: never log it
      throw new UnusableCertificateException("the key file " + file + " is not valid PEM (bad base64 in " + type + ")");
    }
  }

  private static String otherForm(String text) {
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      return "; it is encrypted, the agent needs it unencrypted";
    }
    if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
      return "; it is SEC1 (EC PRIVATE KEY), convert it with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8";
    }
    return "";
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING { the PKCS#1 RSAPrivateKey } }. */
  private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(VERSION_0);
    body.writeBytes(RSA_ALGORITHM);
    body.writeBytes(der(0x04, pkcs1));
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (content.length < 0x80) {
      out.write(content.length);
    } else {
      byte[] length = BigInteger.valueOf(content.length).toByteArray();
      int skip = length[0] == 0 ? 1 : 0;
      out.write(0x80 | (length.length - skip));
      out.write(length, skip, length.length - skip);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
