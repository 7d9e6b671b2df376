package io.tresor.tls.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA that issues serving certificates for 127.0.0.1 in the PEM forms service-ca writes. */
public final class TestCertificates {

    /** How the private key is written to tls.key. */
    public enum KeyFormat { RSA_PKCS1, RSA_PKCS8, EC_SEC1, EC_PKCS8 }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private static TestCertificates shared;

    /** One CA per test JVM: RSA key generation is slow on a busy 2-core machine. */
    public static synchronized TestCertificates shared() throws GeneralSecurityException {
        if (shared == null) {
            shared = new TestCertificates();
        }
        return shared;
    }

    public TestCertificates() throws GeneralSecurityException {
        caKeys = rsa();
        ca = sign(new X500Name("CN=tresor-test-ca"), caKeys, new X500Name("CN=tresor-test-ca"), caKeys, true);
    }

    /** An SSL context that trusts only this CA. */
    public SSLContext clientContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A serving certificate and its key in PEM, not written anywhere yet. */
    public record Pair(byte[] certPem, byte[] keyPem, X509Certificate certificate) {
    }

    /** Writes tls.crt (leaf + CA) and tls.key into {@code dir}, atomically (as kubelet swaps a Secret volume). */
    public X509Certificate issue(Path dir, KeyFormat format) throws GeneralSecurityException, IOException {
        Pair pair = pair("tresor-webhook.openshift-adp.svc", format);
        Files.createDirectories(dir);
        replace(dir.resolve("tls.crt"), pair.certPem());
        replace(dir.resolve("tls.key"), pair.keyPem());
        return pair.certificate();
    }

    /** A leaf for {@code CN=<cn>}, 127.0.0.1 and localhost: its PEM holds leaf + CA, its key is in {@code format}. */
    public Pair pair(String cn, KeyFormat format) throws GeneralSecurityException, IOException {
        KeyPair leafKeys = format == KeyFormat.EC_SEC1 || format == KeyFormat.EC_PKCS8 ? ec() : rsa();
        X509Certificate leaf = sign(new X500Name("CN=" + cn), leafKeys, new X500Name("CN=tresor-test-ca"), caKeys,
                false);
        String certPem = pem(leaf) + pem(ca);
        String keyPem = switch (format) {
            case RSA_PKCS1 -> pem(leafKeys.getPrivate());
            case EC_SEC1 -> sec1(leafKeys);
            case RSA_PKCS8, EC_PKCS8 -> pem(new JcaPKCS8Generator(leafKeys.getPrivate(), null));
        };
        return new Pair(certPem.getBytes(StandardCharsets.US_ASCII), keyPem.getBytes(StandardCharsets.US_ASCII), leaf);
    }

    /** Writes only a new certificate, as a half-finished rotation would. */
    public void issueCertificateOnly(Path dir) throws GeneralSecurityException, IOException {
        X509Certificate leaf = sign(new X500Name("CN=other"), rsa(), new X500Name("CN=tresor-test-ca"), caKeys, false);
        replace(dir.resolve("tls.crt"), pem(leaf));
    }

    private static void replace(Path target, String content) throws IOException {
        replace(target, content.getBytes(StandardCharsets.US_ASCII));
    }

    private static void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** SEC1 with the curve inside, as openssl and service-ca write it (the JDK's PKCS#8 leaves it outside). */
    private static String sec1(KeyPair keys) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        StringWriter out = new StringWriter();
        try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
            writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
        }
        return out.toString();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            boolean ca) throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(30))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!ca) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
