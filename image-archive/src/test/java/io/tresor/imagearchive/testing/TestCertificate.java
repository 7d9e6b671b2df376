package io.tresor.imagearchive.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A self-signed server certificate for 127.0.0.1 made with the JDK's keytool: PEM files and the PKCS12 store (password changeit). */
public record TestCertificate(Path certificate, Path privateKey, byte[] certificatePem, Path keyStore) {

    public static TestCertificate create(Path dir, String alias) throws Exception {
        return create(dir, alias, new String[0]);
    }

    /** @param extraIps more IP addresses the certificate is valid for (besides 127.0.0.1) */
    public static TestCertificate create(Path dir, String alias, String... extraIps) throws Exception {
        StringBuilder san = new StringBuilder("SAN=ip:127.0.0.1");
        for (String ip : extraIps) {
            san.append(",ip:").append(ip);
        }
        Files.createDirectories(dir);
        Path store = dir.resolve(alias + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=127.0.0.1", "-ext", san.toString(), "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate cert = ks.getCertificate(alias);
        PrivateKey key = (PrivateKey) ks.getKey(alias, "changeit".toCharArray());
        String certPem = pem("CERTIFICATE", cert.getEncoded());
        Path certFile = dir.resolve(alias + ".crt");
        Path keyFile = dir.resolve(alias + ".key");
        Files.writeString(certFile, certPem);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8, which Go's TLS loader reads
        return new TestCertificate(certFile, keyFile, certPem.getBytes(StandardCharsets.US_ASCII), store);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
