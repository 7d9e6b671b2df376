package io.tresor.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kustomize manifests in deploy/webhook say what issue 3 requires (a cluster would only say it at apply time). */
class DeployManifestsTest {

    private static final Path DIR = Path.of("../deploy/webhook");
    private static final List<JsonNode> OBJECTS = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode kustomization = yaml.readTree(DIR.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.path("resources")) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class)
                    .readValues(DIR.resolve(resource.asText()).toFile())) {
                docs.readAll().stream().filter(JsonNode::isObject).forEach(OBJECTS::add);
            }
        }
    }

    private static List<JsonNode> kind(String kind) {
        return OBJECTS.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    @Test
    void webhooksFailClosedQuicklyWithoutSideEffects() {
        List<JsonNode> configs = new ArrayList<>(kind("ValidatingWebhookConfiguration"));
        configs.addAll(kind("MutatingWebhookConfiguration"));
        assertThat(configs).hasSize(2);
        List<String> resources = new ArrayList<>();
        for (JsonNode config : configs) {
            assertThat(config.path("metadata").path("annotations").path("service.beta.openshift.io/inject-cabundle")
                    .asText()).isEqualTo("true");
            for (JsonNode hook : config.path("webhooks")) {
                String name = hook.path("name").asText();
                assertThat(hook.path("failurePolicy").asText()).as(name).isEqualTo("Fail");
                assertThat(hook.path("timeoutSeconds").asInt()).as(name).isEqualTo(5);
                assertThat(hook.path("sideEffects").asText()).as(name).isEqualTo("None");
                assertThat(hook.path("admissionReviewVersions").toString()).as(name).isEqualTo("[\"v1\"]");
                assertThat(hook.path("clientConfig").path("service").path("name").asText()).isEqualTo("tresor-webhook");
                boolean updates = hook.path("rules").toString().contains("UPDATE");
                boolean secrets = hook.path("rules").toString().contains("secrets");
                if (updates && !secrets) {
                    assertThat(hook.path("matchConditions").toString()).as(name)
                            .contains("object.spec != oldObject.spec");
                }
                hook.path("rules").forEach(rule -> rule.path("resources").forEach(r -> resources.add(r.asText())));
            }
        }
        assertThat(resources).contains("nonadminbackups", "nonadminschedules", "nonadminrestores",
                "nonadminbackupstoragelocations", "backupstoragelocations", "backups", "restores", "secrets");
        JsonNode keys = kind("ValidatingWebhookConfiguration").get(0).path("webhooks").get(2);
        assertThat(keys.path("objectSelector").path("matchLabels").path("tresor.io/sse-c-key").asText()).isEqualTo("true");
        assertThat(kind("MutatingWebhookConfiguration").get(0).path("webhooks").get(0).path("clientConfig")
                .path("service").path("path").asText()).isEqualTo("/mutate");
    }

    @Test
    void deploymentIsHighlyAvailableAndRestricted() {
        JsonNode deployment = kind("Deployment").get(0);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(pod.path("affinity").path("podAntiAffinity").isObject()).isTrue();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(container.path("securityContext").path("capabilities").path("drop").toString()).contains("ALL");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("resources").path("requests").isObject()).isTrue();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        String tlsSecret = "";
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("secret")) {
                tlsSecret = volume.path("secret").path("secretName").asText();
            }
        }
        assertThat(kind("Service").get(0).path("metadata").path("annotations")
                .path("service.beta.openshift.io/serving-cert-secret-name").asText()).isEqualTo(tlsSecret);
        assertThat(kind("PodDisruptionBudget").get(0).path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(kind("NetworkPolicy")).hasSize(1);
        // admission port only from the host network (the kube-apiserver), never from tenant pods
        assertThat(kind("NetworkPolicy").get(0).path("spec").path("ingress").get(0).toString())
                .contains("policy-group.network.openshift.io/host-network", "8443");
        assertThat(kind("ServiceMonitor")).hasSize(1);
    }

    @Test
    void rbacIsReadOnlyAndNamed() {
        List<JsonNode> roles = new ArrayList<>(kind("ClusterRole"));
        roles.addAll(kind("Role"));
        assertThat(roles).isNotEmpty();
        for (JsonNode role : roles) {
            for (JsonNode rule : role.path("rules")) {
                rule.path("verbs").forEach(v -> assertThat(v.asText()).isIn("get", "list", "watch"));
                rule.path("resources").forEach(r -> assertThat(r.asText()).isNotEqualTo("*"));
            }
        }
        assertThat(Files.exists(DIR.resolve("policy.yaml"))).isTrue();
    }
}
