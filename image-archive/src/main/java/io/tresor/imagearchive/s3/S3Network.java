package io.tresor.imagearchive.s3;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.X509TrustManager;

/**
 * How the S3 client reaches a storage location's endpoint, decided by the caller: the proxy for a URL (the plugin
 * passes its Go-semantics {@code HTTPS_PROXY}/{@code NO_PROXY} routes, so every outbound client of the process reads
 * those variables the same way) and the CAs trusted besides a location's {@code caCert} (the plugin's trust bundle:
 * JDK roots, {@code SSL_CERT_FILE} or the system bundle, the service-account CA).
 *
 * @param proxyFor the HTTP proxy for a target URL, empty for a direct connection
 * @param trust    the CAs trusted for HTTPS, or null for the JDK's default roots
 */
public record S3Network(Function<URI, Optional<InetSocketAddress>> proxyFor, X509TrustManager trust) {

    public S3Network {
        Objects.requireNonNull(proxyFor, "proxyFor");
    }

    /** Direct connections, JDK roots: the SDK's own reading of proxy variables and system properties stays off. */
    public static S3Network direct() {
        return new S3Network(uri -> Optional.empty(), null);
    }
}
