package io.tresor.actions.cluster;

import io.tresor.imagearchive.s3.S3Network;
import io.tresor.plugin.net.ProxyRoutes;
import io.tresor.plugin.net.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * The S3 client's network settings from the plugin process' environment: the same proxy routes ({@link ProxyRoutes},
 * Go NO_PROXY semantics) and trust bundle ({@link TrustBundle}) as the API and registry clients, so an S3 endpoint
 * behind the cluster proxy or signed by a private CA works like any other outbound connection of the plugin.
 */
public final class ArchiveNetwork {
    private ArchiveNetwork() {
    }

    /** Proxy routes from {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY}, CAs from the trust bundle. */
    public static S3Network fromEnvironment(Map<String, String> env) {
        ProxyRoutes routes = ProxyRoutes.fromEnvironment(env);
        try {
            return new S3Network(routes::proxyFor, TrustBundle.fromEnvironment(env).trustManager());
        } catch (IOException e) {
            throw new UncheckedIOException("the CA bundles for the S3 connection cannot be read (SSL_CERT_FILE, "
                    + "/etc/ssl/certs/ca-certificates.crt, the service-account CA): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CA bundles for the S3 connection are not valid certificates: " + e.getMessage()
                    + " (check SSL_CERT_FILE on the Velero container)", e);
        }
    }
}
