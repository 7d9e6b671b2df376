package io.tresor.actions.cluster.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ArchiveStores;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.ImageActionSettings;
import io.tresor.actions.cluster.InternalRegistry;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RegistryCredentials;
import io.tresor.imagearchive.testing.RegistryServer;
import io.tresor.imagearchive.testing.S3Server;
import io.tresor.imagearchive.testing.TokenIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant namespace's world on 127.0.0.1: fabric8's mock API server in CRUD mode (Velero namespace, storage location,
 * its credential and SSE-C key Secrets, the {@code openshift} ImageStream that reveals the registry host), S3Proxy
 * (SSE-C enforced) and Debian's docker-registry as the internal registry (token auth unless {@code anonymous}).
 * Everything stops on {@link #close()}.
 */
public final class ClusterFixture implements AutoCloseable {
    public static final String VELERO_NAMESPACE = "openshift-adp";
    public static final String LOCATION = "tenant-bsl";
    public static final String BUCKET = "backups";
    public static final String PREFIX = "tenant-a";
    public static final byte[] KEY = "0123456789abcdef0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesMockServer api;
    private final KubernetesClient client;
    private final S3Server s3;
    private final TokenIssuer issuer;
    private final RegistryServer registry;
    private Path registryDir;

    private ClusterFixture(KubernetesMockServer api, S3Server s3, TokenIssuer issuer, RegistryServer registry) {
        this.api = api;
        this.client = api.createClient();
        this.s3 = s3;
        this.issuer = issuer;
        this.registry = registry;
    }

    /** Starts everything; {@code dir} holds the registry's storage. */
    public static ClusterFixture start(Path dir, boolean anonymousRegistry) throws Exception {
        RegistryServer.requireBinary();
        List<CustomResourceDefinitionContext> crds = List.of(crd(ApiResources.BACKUP), crd(ApiResources.STORAGE_LOCATION),
                crd(ApiResources.IMAGE_STREAM));
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(crds), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        S3Server s3 = null;
        TokenIssuer issuer = null;
        try {
            s3 = S3Server.start();
            issuer = anonymousRegistry ? null : TokenIssuer.start(dir.resolve("issuer"));
            RegistryServer registry = RegistryServer.start(dir.resolve("registry"), issuer);
            ClusterFixture f = new ClusterFixture(api, s3, issuer, registry);
            f.registryDir = dir.resolve("registry");
            f.seed();
            return f;
        } catch (Exception | Error e) {
            if (issuer != null) {
                issuer.close();
            }
            if (s3 != null) {
                s3.close();
            }
            api.destroy();
            throw e;
        }
    }

    private void seed() throws IOException {
        s3.createBucket(BUCKET);
        ObjectNode bsl = (ObjectNode) JSON.readTree(s3.bslJson(LOCATION, BUCKET, PREFIX));
        create(ApiResources.STORAGE_LOCATION, bsl);
        client.secrets().inNamespace(VELERO_NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("cloud-credentials")
                .withNamespace(VELERO_NAMESPACE).endMetadata()
                .addToData("cloud", Base64.getEncoder().encodeToString(S3Server.credentialsFile()))
                .addToData("customer-key", Base64.getEncoder().encodeToString(KEY)).build()).create();
        create(ApiResources.IMAGE_STREAM, json("""
                {"apiVersion":"image.openshift.io/v1","kind":"ImageStream","metadata":{"name":"cli","namespace":"openshift"},
                 "status":{"dockerImageRepository":"%s/openshift/cli"}}""".formatted(registryHost())));
    }

    /** Replaces the SSE-C key in the Secret (a wrong key for everything stored before). */
    public void replaceKey(byte[] key) {
        client.secrets().inNamespace(VELERO_NAMESPACE).withName("cloud-credentials").edit(s -> {
            s.getData().put("customer-key", Base64.getEncoder().encodeToString(key));
            return s;
        });
    }

    public void create(ResourceDefinitionContext type, ObjectNode object) {
        client.genericKubernetesResources(type).inNamespace(object.path("metadata").path("namespace").asText())
                .resource(ApiResources.generic(object)).create();
    }

    /** The context the actions get in tests: the mock API server's client, this registry with the test credentials. */
    public ImageActionContext context(Duration gcPassInterval) {
        ImageActionSettings settings = new ImageActionSettings(Optional.empty(), Optional.of(URI.create(registry.url())),
                Path.of("/nonexistent"), 4, gcPassInterval, Duration.ofHours(1));
        InternalRegistry internal = new InternalRegistry(client, Optional.empty(), Optional.of(URI.create(registry.url())),
                this::registryCredentials, OciRegistryClient::defaultHttpClient);
        return new ImageActionContext(client, new ArchiveStores(client), internal, settings, Clock.systemUTC());
    }

    /** A registry client for setting up and checking images. */
    public OciRegistryClient registryClient() {
        return OciRegistryClient.create(URI.create(registry.url()), registryCredentials());
    }

    private RegistryCredentials registryCredentials() {
        return issuer == null ? RegistryCredentials.anonymous() : RegistryCredentials.basic(TokenIssuer.USER, TokenIssuer.PASSWORD);
    }

    public KubernetesClient client() {
        return client;
    }

    public S3Server s3() {
        return s3;
    }

    public String registryHost() {
        return registry.hostPort();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** The registry's access log lines so far (distribution logs every request, whatever the log level). */
    public List<String> registryAccessLog() {
        try {
            return java.nio.file.Files.readAllLines(registryDir.resolve("registry.log"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>} of the mock API server. */
    public String apiUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + api.getPort();
    }

    /** Writes what Velero uploads when a backup completes: {@code <prefix>/backups/<name>/velero-backup.json}. */
    public void veleroBackupUploaded(String backup) {
        s3.admin().putObject(b -> b.bucket(BUCKET).key(PREFIX + "/backups/" + backup + "/velero-backup.json"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));
    }

    /** Keys stored under the location's prefix. */
    public List<String> storedKeys(String under) {
        return s3.admin().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX + "/" + under)).contents().stream()
                .map(o -> o.key()).toList();
    }

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static Map<String, Object> map(ObjectNode node) {
        return JSON.convertValue(node, Map.class);
    }

    private static CustomResourceDefinitionContext crd(ResourceDefinitionContext c) {
        return new CustomResourceDefinitionContext.Builder().withGroup(c.getGroup()).withVersion(c.getVersion())
                .withKind(c.getKind()).withPlural(c.getPlural()).withScope("Namespaced").build();
    }

    @Override
    public void close() {
        client.close();
        registry.close();
        if (issuer != null) {
            issuer.close();
        }
        s3.close();
        api.destroy();
    }
}
