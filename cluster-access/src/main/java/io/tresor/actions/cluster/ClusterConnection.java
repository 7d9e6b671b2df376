package io.tresor.actions.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tresor.plugin.net.ProxyRoutes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the Kubernetes client of the plugin process. fabric8's auto-configuration reads the Velero pod's in-cluster
 * config (service-account token and CA, {@code KUBERNETES_SERVICE_HOST}); outside a pod it honours
 * {@code KUBERNETES_MASTER} / {@code KUBECONFIG} like any fabric8 program, which is how tests point it at a mock API
 * server. The proxy is decided by {@link ProxyRoutes}, with the same Go semantics as every other outbound client.
 */
public final class ClusterConnection {
    private ClusterConnection() {
    }

    public static KubernetesClient fromEnvironment(Map<String, String> env) {
        Config config = Config.autoConfigure(null);
        Optional<InetSocketAddress> proxy = ProxyRoutes.fromEnvironment(env).proxyFor(URI.create(config.getMasterUrl()));
        // fabric8 has its own NO_PROXY parser; one decision for all clients avoids two readings of the same variables
        String proxyUrl = proxy.map(a -> "http://" + a.getHostString() + ":" + a.getPort()).orElse(null);
        config.setHttpsProxy(proxyUrl);
        config.setHttpProxy(proxyUrl);
        config.setNoProxy(new String[0]);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
