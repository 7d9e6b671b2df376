package io.tresor.webhook.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tresor.webhook.admission.AdmissionReviewCodec;
import io.tresor.webhook.admission.Mutation;
import io.tresor.webhook.admission.Validation;
import io.tresor.webhook.policy.AdmissionRequest;
import io.tresor.webhook.policy.Decision;
import io.tresor.webhook.policy.KeyBinding;
import io.tresor.webhook.policy.PolicyConfig;
import io.tresor.webhook.policy.TenantPolicy;
import io.tresor.webhook.support.CaseAssertions;
import io.tresor.webhook.support.ReviewCase;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table cases against fabric8 informers on a CRUD mock API server loaded with the same cluster fixture. */
@EnableKubernetesMockClient(crud = true)
class MockClusterTest {

    private static final AdmissionReviewCodec CODEC = new AdmissionReviewCodec();
    private static final Map<String, ResourceDefinitionContext> CONTEXTS = Map.of(
            "NonAdminBackupStorageLocation", InformerClusterView.NABSL,
            "NonAdminBackup", InformerClusterView.NAB,
            "BackupStorageLocation", InformerClusterView.BSL,
            "Backup", InformerClusterView.BACKUP,
            "DataProtectionApplication", InformerClusterView.DPA);

    KubernetesClient client;

    @Test
    void tableCasesAgreeWithTheLiveClusterView() throws Exception {
        load(ReviewCase.readResource("reviews/cluster.json"));
        try (InformerClusterView view = new InformerClusterView(client, "openshift-adp")) {
            awaitSynced(view);
            assertThat(view.refreshDpa().awsPluginImage()).endsWith("velero-plugin-for-aws:v1.13.0");
            int judged = 0;
            for (ReviewCase c : ReviewCase.all()) {
                if (!c.clusterExtra().isEmpty()) {
                    continue;
                }
                AdmissionReviewCodec.Review review = CODEC.decode(c.reviewBytes());
                PolicyConfig config = c.policyConfig();
                var response = c.endpoint().equals("mutate")
                        ? new Mutation(() -> new KeyBinding(config)).apply(review.request())
                        : new Validation(() -> new TenantPolicy(config), view).apply(review.request());
                CaseAssertions.assertResponse(c, ReviewCase.JSON.readTree(
                        CODEC.encode(review.apiVersion(), review.kind(), response)));
                judged++;
            }
            assertThat(judged).isGreaterThan(100);
        }
    }

    @Test
    void keySecretStaysImmutableWhileALocationUsesItAndSecretsAreNeverCached() throws Exception {
        client.secrets().inNamespace("shop").resource(keySecret(32)).create();
        try (InformerClusterView view = new InformerClusterView(client, "openshift-adp")) {
            awaitSynced(view);
            TenantPolicy policy = new TenantPolicy(PolicyConfig.defaults());
            AdmissionRequest delete = secretRequest("DELETE");
            assertThat(policy.decide(delete, view).allowed()).as("no location uses the key yet").isTrue();

            AdmissionRequest createLocation = request("NonAdminBackupStorageLocation", "oadp.openshift.io", "CREATE",
                    nabsl());
            assertThat(policy.decide(createLocation, view).allowed()).isTrue();
            client.genericKubernetesResources(InformerClusterView.NABSL).inNamespace("shop")
                    .resource(ReviewCase.JSON.convertValue(nabsl(), GenericKubernetesResource.class)).create();
            awaitLocation(view);
            Decision refused = policy.decide(delete, view);
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.message()).contains("NonAdminBackupStorageLocation s3", "delete that location first");

            // the Secret is read on every decision: a replaced 16-byte key is seen at once
            client.secrets().inNamespace("shop").resource(keySecret(16)).update();
            Decision shortKey = policy.decide(createLocation, view);
            assertThat(shortKey.allowed()).isFalse();
            assertThat(shortKey.message()).contains("16 bytes");
            CaseAssertions.assertNoSecrets(shortKey.message());
        }
    }

    @Test
    void notSyncedUntilTheInitialListsArrive() {
        try (InformerClusterView view = new InformerClusterView(client, "openshift-adp")) {
            awaitSynced(view);
            assertThat(view.synced()).isTrue();
        }
    }

    private static void awaitSynced(InformerClusterView view) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!view.synced() && System.nanoTime() < deadline) {
            sleep();
        }
        assertThat(view.synced()).as("informers synced").isTrue();
    }

    private static void awaitLocation(InformerClusterView view) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (view.nonAdminBackupStorageLocation("shop", "s3").isEmpty() && System.nanoTime() < deadline) {
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void load(JsonNode list) {
        for (JsonNode item : list.path("items")) {
            String kind = item.path("kind").asText();
            String ns = item.path("metadata").path("namespace").asText();
            if (kind.equals("Secret")) {
                client.secrets().inNamespace(ns).resource(ReviewCase.JSON.convertValue(item, Secret.class)).create();
            } else {
                client.genericKubernetesResources(CONTEXTS.get(kind)).inNamespace(ns)
                        .resource(ReviewCase.JSON.convertValue(item, GenericKubernetesResource.class)).create();
            }
        }
    }

    private static Secret keySecret(int length) {
        return new SecretBuilder().withNewMetadata().withName("s3-creds").withNamespace("shop")
                .addToLabels("tresor.io/sse-c-key", "true").endMetadata()
                .addToData("cloud", Base64.getEncoder().encodeToString("[default]\n".getBytes()))
                .addToData("customer-key", Base64.getEncoder().encodeToString(new byte[length])).build();
    }

    private static JsonNode nabsl() {
        return ReviewCase.JSON.valueToTree(Map.of("apiVersion", "oadp.openshift.io/v1alpha1",
                "kind", "NonAdminBackupStorageLocation",
                "metadata", Map.of("name", "s3", "namespace", "shop"),
                "spec", Map.of("backupStorageLocationSpec", Map.of("provider", "aws",
                        "objectStorage", Map.of("bucket", "shop"),
                        "credential", Map.of("name", "s3-creds", "key", "cloud"),
                        "config", Map.of("region", "eu-west-1", "customerKeyEncryptionSecret", "s3-creds/customer-key")))));
    }

    private AdmissionRequest secretRequest(String operation) {
        Secret current = client.secrets().inNamespace("shop").withName("s3-creds").get();
        return new AdmissionRequest("uid-1", "", "v1", "Secret", "shop", "s3-creds",
                io.tresor.webhook.policy.Operation.parse(operation), "bob", List.of(), false, null,
                ReviewCase.JSON.valueToTree(current));
    }

    private static AdmissionRequest request(String kind, String group, String operation, JsonNode object) {
        return new AdmissionRequest("uid-2", group, "v1alpha1", kind, "shop", "s3",
                io.tresor.webhook.policy.Operation.parse(operation), "bob", List.of(), false, object, null);
    }
}
