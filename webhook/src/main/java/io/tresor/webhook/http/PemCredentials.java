package io.tresor.webhook.http;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** A serving certificate chain and its private key, parsed from PEM as OpenShift's service-ca writes them. */
public record PemCredentials(PrivateKey key, List<X509Certificate> chain) {

    /** In-memory only; the key store never touches disk. */
    static final char[] STORE_PASSWORD = "tresor-in-memory".toCharArray();

    public PemCredentials {
        chain = List.copyOf(chain);
    }

    /** Parses tls.crt (one or more certificates) and tls.key (PKCS#1 RSA, SEC1 EC or PKCS#8) and checks they match. */
    public static PemCredentials parse(byte[] certPem, byte[] keyPem) throws GeneralSecurityException {
        List<X509Certificate> chain = certificates(certPem);
        PrivateKey key = privateKey(keyPem);
        requireMatch(key, chain.get(0));
        return new PemCredentials(key, chain);
    }

    public Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }

    public KeyStore keyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        store.setKeyEntry("tls", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
        return store;
    }

    private static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("tls.crt is not valid PEM: " + e.getClass().getSimpleName());
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("tls.crt holds no CERTIFICATE block");
        }
        return chain;
    }

    private static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                // EC PARAMETERS blocks precede SEC1 keys; skip them
            }
        } catch (IOException e) {
            // the message could quote key material; report the type only
            throw new GeneralSecurityException("tls.key is not a readable PEM private key: " + e.getClass().getSimpleName());
        }
        throw new GeneralSecurityException("tls.key holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }

    /** A half-rotated pair (new cert, old key) must never be served: sign with the key, verify with the certificate. */
    private static void requireMatch(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("tls.key does not belong to the first certificate of tls.crt");
        }
    }
}
