package io.tresor.actions.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.plugin.api.ActionException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's internal image registry: its host as ImageStreams reference it (discovered like the OpenShift Velero
 * plugin does: {@code status.dockerImageRepository} of an ImageStream in namespace {@code openshift}, else
 * {@code imagePolicyConfig.internalRegistryHostname} of ConfigMap {@code openshift-apiserver/config}), and a client
 * for it. Thread-safe; the host is looked up once per plugin process.
 */
public final class InternalRegistry {
    private static final Pattern HOSTNAME = Pattern.compile("\"?internalRegistryHostname\"?\\s*:\\s*\"?([^\",\\s}]+)");

    private final KubernetesClient cluster;
    private final Optional<String> hostOverride;
    private final Optional<URI> urlOverride;
    private final Supplier<RegistryCredentials> credentials;
    private final Supplier<HttpClient> http;
    private final Duration idleTimeout;
    private volatile String host;

    /**
     * @param credentials read on every {@link #client()} (service-account tokens are rotated)
     * @param http        an HTTP client that does not follow redirects
     */
    public InternalRegistry(KubernetesClient cluster, Optional<String> hostOverride, Optional<URI> urlOverride,
                            Supplier<RegistryCredentials> credentials, Supplier<HttpClient> http) {
        this(cluster, hostOverride, urlOverride, credentials, http, OciRegistryClient.DEFAULT_IDLE_TIMEOUT);
    }

    /** @param idleTimeout a blob or manifest read that gets no byte for this long fails (and is retried) */
    public InternalRegistry(KubernetesClient cluster, Optional<String> hostOverride, Optional<URI> urlOverride,
                            Supplier<RegistryCredentials> credentials, Supplier<HttpClient> http, Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        this.cluster = cluster;
        this.hostOverride = hostOverride;
        this.urlOverride = urlOverride;
        this.credentials = credentials;
        this.http = http;
    }

    /** {@code host[:port]} of the internal registry as it appears in {@code dockerImageReference}s. */
    public String host() throws ActionException {
        String h = host;
        if (h == null) {
            h = hostOverride.isPresent() ? hostOverride.get() : discover();
            host = h;
        }
        return h;
    }

    /** A client for the registry with the current credentials. */
    public OciRegistryClient client() throws ActionException {
        URI url = urlOverride.orElse(URI.create("https://" + host()));
        return new OciRegistryClient(url, credentials.get(), RetryPolicy.standard(), http.get(), OciRegistryClient.DEFAULT_CHUNK_SIZE,
                idleTimeout);
    }

    private String discover() throws ActionException {
        try {
            for (GenericKubernetesResource is : cluster.genericKubernetesResources(ApiResources.IMAGE_STREAM).inNamespace("openshift").list().getItems()) {
                JsonNode repo = ApiResources.tree(is).path("status").path("dockerImageRepository");
                if (repo.isTextual() && repo.asText().contains("/")) {
                    return repo.asText().substring(0, repo.asText().indexOf('/'));
                }
            }
            ConfigMap config = cluster.configMaps().inNamespace("openshift-apiserver").withName("config").get();
            if (config != null && config.getData() != null) {
                for (String value : config.getData().values()) {
                    Matcher m = HOSTNAME.matcher(value);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            }
        } catch (KubernetesClientException e) {
            throw new ActionException("the internal registry's host cannot be discovered: " + e.getMessage()
                    + " (the Velero service account needs list imagestreams in namespace openshift and get configmaps in "
                    + "openshift-apiserver), or set TRESOR_REGISTRY_HOST on the Velero container", e);
        }
        throw new ActionException("the internal registry's host cannot be discovered: no ImageStream in namespace openshift has "
                + "status.dockerImageRepository and ConfigMap openshift-apiserver/config has no internalRegistryHostname; "
                + "set TRESOR_REGISTRY_HOST on the Velero container (e.g. image-registry.openshift-image-registry.svc:5000)");
    }
}
