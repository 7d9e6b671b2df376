package io.tresor.plugin.net;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** A trust manager whose CAs are loaded at the first handshake that needs them, then kept. */
final class LazyTrustManager extends X509ExtendedTrustManager {
    /** Builds the real trust manager; may fail reading or parsing CA files. */
    interface Loader {
        X509ExtendedTrustManager load() throws IOException, GeneralSecurityException;
    }

    private final Loader loader;
    private volatile X509ExtendedTrustManager loaded;

    LazyTrustManager(Loader loader) {
        this.loader = loader;
    }

    private X509ExtendedTrustManager delegate() throws CertificateException {
        X509ExtendedTrustManager tm = loaded;
        if (tm == null) {
            synchronized (this) {
                tm = loaded;
                if (tm == null) {
                    try {
                        tm = loader.load();
                    } catch (IOException | GeneralSecurityException e) {
                        throw new CertificateException("the CA bundles cannot be loaded (SSL_CERT_FILE, "
                                + "/etc/ssl/certs/ca-certificates.crt, the service-account CA): " + e.getMessage(), e);
                    }
                    loaded = tm;
                }
            }
        }
        return tm;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return delegate().getAcceptedIssuers();
        } catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }
}
