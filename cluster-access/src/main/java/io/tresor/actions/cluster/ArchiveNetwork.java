package io.tresor.actions.cluster;

import io.tresor.imagearchive.s3.S3Network;
import io.tresor.plugin.net.ProxyRoutes;
import io.tresor.plugin.net.TrustBundle;
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
        // CAs are read at the first TLS handshake (a plain-HTTP endpoint never needs them); a bad bundle fails that
        // handshake with a message naming the files
        return new S3Network(routes::proxyFor, TrustBundle.lazyFromEnvironment(env));
    }
}
