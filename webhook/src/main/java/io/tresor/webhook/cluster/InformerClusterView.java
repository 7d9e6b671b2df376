package io.tresor.webhook.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.tresor.webhook.policy.ClusterView;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.Fields;
import io.tresor.webhook.policy.SecretFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live cluster through fabric8: informers for the tenant and Velero objects the rules look up, and a direct GET
 * for a key Secret (never cached, never logged: only labels, value lengths and credentials setting names leave
 * this class).
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

    static final ResourceDefinitionContext NABSL = context("oadp.openshift.io", "v1alpha1",
            "NonAdminBackupStorageLocation", "nonadminbackupstoragelocations");
    static final ResourceDefinitionContext NAB = context("oadp.openshift.io", "v1alpha1", "NonAdminBackup",
            "nonadminbackups");
    static final ResourceDefinitionContext BSL = context("velero.io", "v1", "BackupStorageLocation",
            "backupstoragelocations");
    static final ResourceDefinitionContext BACKUP = context("velero.io", "v1", "Backup", "backups");
    static final ResourceDefinitionContext DPA = context("oadp.openshift.io", "v1alpha1", "DataProtectionApplication",
            "dataprotectionapplications");

    private final KubernetesClient client;
    /**
     * For the live Secret reads: the API server calls the webhook with a 5 s timeout (webhooks.yaml), fabric8's default
     * request timeout is 10 s. A read that gives up first leaves time to answer with a clear denial.
     */
    private final KubernetesClient secretReads;
    static final int SECRET_READ_TIMEOUT_MS = 3000;
    private final String oadpNamespace;
    private final SharedIndexInformer<GenericKubernetesResource> nabsls;
    private final SharedIndexInformer<GenericKubernetesResource> nabs;
    private final SharedIndexInformer<GenericKubernetesResource> bsls;
    private final SharedIndexInformer<GenericKubernetesResource> backups;
    private volatile DpaFacts dpa = DpaFacts.none();

    /** Creates the informers and starts them; {@link #synced()} turns true once every initial list arrived. */
    public InformerClusterView(KubernetesClient client, String oadpNamespace) {
        this.client = client;
        // no retries either: fabric8 retries a failed request with back-off, long past the admission timeout
        this.secretReads = client.newClient(new RequestConfigBuilder().withRequestTimeout(SECRET_READ_TIMEOUT_MS)
                .withRequestRetryBackoffLimit(0).build()).adapt(KubernetesClient.class);
        this.oadpNamespace = oadpNamespace;
        this.nabsls = client.genericKubernetesResources(NABSL).inAnyNamespace().runnableInformer(0);
        this.nabs = client.genericKubernetesResources(NAB).inAnyNamespace().runnableInformer(0);
        this.bsls = client.genericKubernetesResources(BSL).inNamespace(oadpNamespace).runnableInformer(0);
        this.backups = client.genericKubernetesResources(BACKUP).inNamespace(oadpNamespace).runnableInformer(0);
        List.of(nabsls, nabs, bsls, backups).forEach(SharedIndexInformer::start);
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    public boolean synced() {
        return nabsls.hasSynced() && nabs.hasSynced() && bsls.hasSynced() && backups.hasSynced();
    }

    /** Reads the DPA and the Velero deployment once (at start); returns what it found. */
    public DpaFacts refreshDpa() {
        List<GenericKubernetesResource> dpas = client.genericKubernetesResources(DPA).inNamespace(oadpNamespace)
                .list().getItems();
        JsonNode chosen = MissingNode.getInstance();
        for (GenericKubernetesResource candidate : dpas) {
            JsonNode tree = json(candidate);
            if (chosen.isMissingNode() || Fields.isTrue(tree, "spec", "nonAdmin", "enable")) {
                chosen = tree;
            }
        }
        Deployment velero = client.apps().deployments().inNamespace(oadpNamespace).withName("velero").get();
        JsonNode podSpec = velero == null ? MissingNode.getInstance()
                : client.getKubernetesSerialization().convertValue(velero.getSpec().getTemplate().getSpec(), JsonNode.class);
        dpa = DpaReader.read(chosen, podSpec);
        return dpa;
    }

    private JsonNode json(GenericKubernetesResource resource) {
        return client.getKubernetesSerialization().convertValue(resource, JsonNode.class);
    }

    private Optional<JsonNode> get(SharedIndexInformer<GenericKubernetesResource> informer, String ns, String name) {
        return Optional.ofNullable(informer.getStore().getByKey(ns + "/" + name)).map(this::json);
    }

    @Override
    public Optional<JsonNode> nonAdminBackupStorageLocation(String namespace, String name) {
        return get(nabsls, namespace, name);
    }

    @Override
    public List<JsonNode> nonAdminBackupStorageLocations(String namespace) {
        return nabsls.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream().map(this::json).toList();
    }

    @Override
    public Optional<JsonNode> nonAdminBackup(String namespace, String name) {
        return get(nabs, namespace, name);
    }

    @Override
    public Optional<JsonNode> backupStorageLocation(String name) {
        return get(bsls, oadpNamespace, name);
    }

    @Override
    public Optional<JsonNode> defaultBackupStorageLocation() {
        return bsls.getStore().list().stream().map(this::json).filter(b -> Fields.isTrue(b, "spec", "default"))
                .findFirst();
    }

    @Override
    public Optional<JsonNode> veleroBackup(String name) {
        return get(backups, oadpNamespace, name);
    }

    @Override
    public Optional<SecretFacts> secret(String namespace, String name) {
        Secret secret = secretReads.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return Optional.empty();
        }
        Map<String, String> labels = secret.getMetadata().getLabels() == null ? Map.of() : secret.getMetadata().getLabels();
        return Optional.of(SecretLengths.facts(labels, secret.getData()));
    }

    @Override
    public DpaFacts dpa() {
        return dpa;
    }

    @Override
    public void close() {
        List.of(nabsls, nabs, bsls, backups).forEach(SharedIndexInformer::close);
    }
}
