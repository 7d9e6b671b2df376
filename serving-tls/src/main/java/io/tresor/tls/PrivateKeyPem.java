package io.tresor.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The private key of a PEM key file: PKCS#1 ({@code RSA PRIVATE KEY}, what OpenShift's service CA writes), SEC1
 * ({@code EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes) or PKCS#8 ({@code PRIVATE KEY}), read by
 * BouncyCastle's PEM parser and turned into a key by the JDK's own key factories (no provider to register).
 * Error messages name the file and the problem and never quote the file.
 */
final class PrivateKeyPem {
    private static final String FORMS = "PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY";

    private PrivateKeyPem() {
    }

    static PrivateKey read(Path file, byte[] pem) throws UnusableCertificateException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        // told apart before parsing: a damaged encrypted block would otherwise read as "not valid PEM"
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new UnusableCertificateException("the key file " + file
                    + " holds an encrypted private key; it must be unencrypted");
        }
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return jdkKey(file, pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return jdkKey(file, info);
                }
                // EC PARAMETERS blocks precede SEC1 keys written by openssl ecparam; skip them (and anything else)
            }
        } catch (UnusableCertificateException e) {
            throw e;
        } catch (IOException e) {
            // the parser's message could quote key material; report the type only
            throw new UnusableCertificateException("the key file " + file + " is not valid PEM ("
                    + e.getClass().getSimpleName() + ")");
        }
        throw new UnusableCertificateException("the key file " + file + " holds no PEM private key (" + FORMS + ")");
    }

    private static PrivateKey jdkKey(Path file, PrivateKeyInfo info) throws UnusableCertificateException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm = switch (oid.getId()) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            default -> throw new UnusableCertificateException("the key file " + file
                    + " holds a key of an unsupported algorithm (OID " + oid.getId()
                    + "); RSA, EC or Ed25519 are served");
        };
        try {
            if (algorithm.equals("EC") && info.getPrivateKeyAlgorithm().getParameters() == null) {
                info = withCurve(file, info);
            }
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (UnusableCertificateException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new UnusableCertificateException("the key file " + file + " holds no readable " + algorithm + " key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** SEC1 carries the curve inside the key; the JDK wants it in the algorithm identifier. */
    private static PrivateKeyInfo withCurve(Path file, PrivateKeyInfo info) throws IOException {
        ECPrivateKey sec1 = ECPrivateKey.getInstance(info.parsePrivateKey());
        if (sec1.getParametersObject() == null) {
            throw new UnusableCertificateException("the key file " + file
                    + " holds an EC PRIVATE KEY that names no curve; write it with its parameters");
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                sec1.getParametersObject()), sec1);
    }
}
