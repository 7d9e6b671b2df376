package io.tresor.imagearchive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for a private CA given as a PEM bundle (a storage location's {@code caCert}, the cluster's service CA for the
 * internal registry): the JDK's roots plus the bundle, the way Go programs add a CA to the system pool.
 */
public final class PemTrust {
    private PemTrust() {
    }

    /**
     * @param pem   one or more PEM certificates
     * @param where what the bundle is, for error messages (e.g. {@code BackupStorageLocation x: spec.objectStorage.caCert})
     */
    public static TrustManager[] trustManagers(byte[] pem, String where) {
        return trustManagers(pem, null, where);
    }

    /**
     * @param base  the CAs to start from (a process-wide trust bundle), or null for the JDK's roots
     * @param where what the bundle is, for error messages
     */
    public static TrustManager[] trustManagers(byte[] pem, X509TrustManager base, String where) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            if (base != null) {
                for (Certificate c : base.getAcceptedIssuers()) {
                    store.setCertificateEntry("base-" + i++, c);
                }
            } else {
                TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                system.init((KeyStore) null);
                for (TrustManager tm : system.getTrustManagers()) {
                    if (tm instanceof X509TrustManager x509) {
                        for (Certificate c : x509.getAcceptedIssuers()) {
                            store.setCertificateEntry("system-" + i++, c);
                        }
                    }
                }
            }
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            if (cas.isEmpty()) {
                throw new IllegalArgumentException(where + " holds no PEM certificate: put the CA bundle there");
            }
            for (Certificate c : cas) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(where + " cannot be read as PEM certificates: " + e.getMessage(), e);
        }
    }

    /** A TLS context trusting the JDK's roots plus the bundle. */
    public static SSLContext sslContext(byte[] pem, String where) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(pem, where), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this runtime", e);
        }
    }
}
