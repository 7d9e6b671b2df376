package io.tresor.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

/** A serving certificate chain and the private key of its first certificate, parsed from PEM and checked to match. */
public record PemCredentials(List<X509Certificate> chain, PrivateKey key) {

    public PemCredentials {
        chain = List.copyOf(chain);
    }

    /**
     * Parses {@code certPem} (PEM certificates, the serving one first) and {@code keyPem} (an unencrypted PKCS#1 RSA,
     * SEC1 EC or PKCS#8 key) and checks that the key is the first certificate's; the paths only name the files in
     * error messages.
     */
    public static PemCredentials parse(Path certFile, byte[] certPem, Path keyFile, byte[] keyPem)
            throws UnusableCertificateException {
        List<X509Certificate> chain = certificates(certFile, certPem);
        PrivateKey key = PrivateKeyPem.read(keyFile, keyPem);
        requireMatch(key, chain.get(0), certFile, keyFile);
        return new PemCredentials(chain, key);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Subject, serial and expiry of the serving certificate: what an operator needs to tell two certificates apart. */
    public String describe() {
        return "subject " + leaf().getSubjectX500Principal().getName() + ", serial " + serial(leaf())
                + ", valid until " + notAfter();
    }

    /** An in-memory PKCS#12 store holding the pair under alias {@code tls}, for servers configured by key store. */
    public KeyStore keyStore(char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        store.setKeyEntry("tls", key, password, chain.toArray(new X509Certificate[0]));
        return store;
    }

    /** Upper-case hex, as {@code openssl x509 -noout -serial} prints it. */
    static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }

    private static List<X509Certificate> certificates(Path file, byte[] pem) throws UnusableCertificateException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        if (text.contains("PRIVATE KEY-----")) {
            // not parsed, so that no parser message can quote the key; most likely the two files were swapped
            throw new UnusableCertificateException("the certificate file " + file
                    + " holds a private key: are --tls-cert and --tls-key swapped?");
        }
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new UnusableCertificateException("the certificate file " + file
                    + " holds no readable PEM certificate (" + e.getClass().getSimpleName() + ")");
        }
        if (chain.isEmpty()) {
            throw new UnusableCertificateException("the certificate file " + file
                    + " holds no readable PEM certificate (no CERTIFICATE block)");
        }
        return chain;
    }

    /** A half-rotated pair (new certificate, old key) must never be served: sign with the key, verify with the cert. */
    private static void requireMatch(PrivateKey key, X509Certificate leaf, Path certFile, Path keyFile)
            throws UnusableCertificateException {
        String mismatch = "the key in " + keyFile + " is not the key of the first certificate in " + certFile + " ("
                + leaf.getSubjectX500Principal().getName() + ", serial " + serial(leaf) + ")";
        String certAlgorithm = family(leaf.getPublicKey().getAlgorithm());
        if (!family(key.getAlgorithm()).equals(certAlgorithm)) {
            throw new UnusableCertificateException(mismatch + ": it is an " + family(key.getAlgorithm())
                    + " key, the certificate's is " + certAlgorithm);
        }
        String algorithm = switch (certAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
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
        throw new UnusableCertificateException(mismatch);
    }

    /** The JDK names Ed25519 keys "EdDSA" or "Ed25519" depending on where they came from. */
    private static String family(String algorithm) {
        return algorithm.equals("EdDSA") ? "Ed25519" : algorithm;
    }
}
