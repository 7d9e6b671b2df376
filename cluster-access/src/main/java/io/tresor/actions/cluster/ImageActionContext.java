package io.tresor.actions.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.plugin.net.ProxyRoutes;
import io.tresor.plugin.net.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What the ImageStream actions need from the cluster: API client, archive stores, internal registry, settings.
 * Production code builds it from the Velero pod's environment; tests build it around a mock API server.
 */
public record ImageActionContext(KubernetesClient client, ArchiveStores stores, InternalRegistry registry,
                                 ImageActionSettings settings, Clock clock) {

    /** Everything from the plugin process' environment (in-cluster config, proxy variables, CA bundles). */
    public static ImageActionContext fromEnvironment(Map<String, String> env) {
        ImageActionSettings settings = ImageActionSettings.fromEnvironment(env);
        KubernetesClient client = ClusterConnection.fromEnvironment(env);
        HttpClient http = registryHttpClient(env);
        InternalRegistry registry = new InternalRegistry(client, settings.registryHost(), settings.registryUrl(),
                () -> serviceAccountToken(settings), () -> http, settings.registryIdleTimeout());
        return new ImageActionContext(client, new ArchiveStores(client, ArchiveNetwork.fromEnvironment(env)), registry, settings,
                Clock.systemUTC());
    }

    /** The context from {@code supplier}; a failure to build it (bad settings, no cluster config) is the item's error. */
    public static ImageActionContext require(java.util.function.Supplier<ImageActionContext> supplier)
            throws io.tresor.plugin.api.ActionException {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            throw new io.tresor.plugin.api.ActionException("the ImageStream actions cannot reach the cluster: " + e.getMessage()
                    + " (check the Velero pod's service account and the TRESOR_* variables of its container)", e);
        }
    }

    /** Events on ImageStreams reported by {@code component}. */
    public ImageStreamEvents events(String component) {
        return new ImageStreamEvents(client, component, clock);
    }

    private static HttpClient registryHttpClient(Map<String, String> env) {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .proxy(ProxyRoutes.fromEnvironment(env).asProxySelector())
                    .sslContext(TrustBundle.lazySslContext(env))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS implementation for the registry connection: " + e.getMessage(), e);
        }
    }

    // Read at each use: projected service-account tokens are rotated while Velero runs.
    private static RegistryCredentials serviceAccountToken(ImageActionSettings settings) {
        try {
            return RegistryCredentials.serviceAccountToken(Files.readString(settings.registryTokenFile()));
        } catch (NoSuchFileException e) {
            return RegistryCredentials.anonymous();
        } catch (IOException e) {
            throw new UncheckedIOException("registry token file " + settings.registryTokenFile() + " cannot be read", e);
        }
    }

}
