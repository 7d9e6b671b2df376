package io.tresor.webhook.http;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

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
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return jdkKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return jdkKey(info);
                }
                // EC PARAMETERS blocks precede SEC1 keys; skip them
            }
        } catch (IOException e) {
            // the message could quote key material; report the type only
            throw new GeneralSecurityException("tls.key is not a readable PEM private key: " + e.getClass().getSimpleName());
        }
        throw new GeneralSecurityException("tls.key holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }

    /** Converts with the JDK's own key factories, so no BouncyCastle provider needs registering. */
    private static PrivateKey jdkKey(PrivateKeyInfo info) throws GeneralSecurityException, IOException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm = switch (oid) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            default -> throw new GeneralSecurityException("tls.key uses an unsupported key algorithm (OID " + oid + ")");
        };
        if (algorithm.equals("EC") && info.getPrivateKeyAlgorithm().getParameters() == null) {
            // SEC1 "EC PRIVATE KEY" carries the curve inside the key; the JDK wants it in the algorithm identifier
            ECPrivateKey sec1 = ECPrivateKey.getInstance(info.parsePrivateKey());
            if (sec1.getParametersObject() == null) {
                throw new GeneralSecurityException("tls.key: EC PRIVATE KEY names no curve; write it with its parameters");
            }
            info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                    sec1.getParametersObject()), sec1);
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    /** A half-rotated pair (new cert, old key) must never be served: sign with the key, verify with the certificate. */
    private static void requireMatch(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
            throw new GeneralSecurityException("tls.key (" + key.getAlgorithm() + ") does not belong to the first "
                    + "certificate of tls.crt (" + cert.getPublicKey().getAlgorithm() + ")");
        }
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
