package io.tresor.webhook.freeze;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tresor.freeze.AgentConfig;
import io.tresor.freeze.client.FreezeClientConfig;
import io.tresor.webhook.config.Kustomization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/webhook-freeze says what issue 5 requires and matches what the endpoint expects; deploy/freeze-agent
 * serves TLS with the service CA's certificate for the name the callers check, and the callers need nothing for it.
 */
class FreezeManifestTest {
    private static final Path DIR = Path.of("../deploy/webhook-freeze");
    private static final Path AGENT = Path.of("../deploy/freeze-agent");
    private static final Path WEBHOOK = Path.of("../deploy/webhook");
    private static final String SERVING_CERT = "service.beta.openshift.io/serving-cert-secret-name";
    /** What a caller without settings looks for. */
    private static final FreezeClientConfig CALLER = FreezeClientConfig.defaults(Duration.ofSeconds(2));

    @Test
    void theFreezeWebhookNeverBlocksAndOnlySeesVelerosSnapshots() throws Exception {
        JsonNode hook = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("webhook.yaml").toFile())
                .path("webhooks").get(0);
        assertThat(hook.path("clientConfig").path("service").path("path").asText()).isEqualTo("/freeze");
        assertThat(hook.path("failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(hook.path("sideEffects").asText()).isEqualTo("NoneOnDryRun");
        assertThat(hook.path("timeoutSeconds").asInt()).isBetween(1, 5);
        assertThat(hook.path("rules")).extracting(r -> r.path("resources").get(0).asText() + " "
                + r.path("operations").toString()).containsExactly("volumesnapshots [\"CREATE\"]",
                "volumegroupsnapshots [\"CREATE\"]");
        assertThat(hook.path("objectSelector").path("matchExpressions").get(0).path("key").asText())
                .isEqualTo(SnapshotTrigger.BACKUP_NAME_LABEL);
        String velero = FreezeSettings.fromEnvironment(Map.of(), "openshift-adp").veleroUser();
        assertThat(hook.path("matchConditions").get(0).path("expression").asText())
                .isEqualTo("request.userInfo.username == '" + velero + "'");
    }

    @Test
    void theAgentsNamespaceIsCreatedAndAdmitsItsPrivilegedPods() throws Exception {
        JsonNode kustomization = new YAMLMapper().readTree(AGENT.resolve("kustomization.yaml").toFile());
        JsonNode namespace = one(objects(AGENT), "Namespace");
        // the kustomization puts everything into its namespace: applying it must create that namespace too
        assertThat(namespace.path("metadata").path("name").asText()).isEqualTo(kustomization.path("namespace").asText())
                .isEqualTo(CALLER.agentNamespace());
        JsonNode labels = namespace.path("metadata").path("labels");
        for (String mode : List.of("enforce", "audit", "warn")) {
            assertThat(labels.path("pod-security.kubernetes.io/" + mode).asText()).as(mode).isEqualTo("privileged");
        }
        assertThat(labels.path("security.openshift.io/scc.podSecurityLabelSync").asText()).isEqualTo("false");
        assertThat(one(objects(AGENT), "DaemonSet").path("spec").path("template").path("spec").path("containers").path(0)
                .path("securityContext").path("privileged").asBoolean()).as("why the namespace must be privileged").isTrue();
    }

    private static List<JsonNode> objects(Path dir) throws IOException {
        return Kustomization.objects(dir);
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        return Kustomization.one(objects, kind);
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no entry named " + name + " in " + list);
    }

    @Test
    void theAgentsServeTheServiceCasCertificateForTheNameTheCallersCheck() throws Exception {
        List<JsonNode> objects = objects(AGENT);
        String namespace = new YAMLMapper().readTree(AGENT.resolve("kustomization.yaml").toFile())
                .path("namespace").asText();
        JsonNode service = one(objects, "Service");
        JsonNode daemonSet = one(objects, "DaemonSet");
        JsonNode pod = daemonSet.path("spec").path("template");
        JsonNode container = named(pod.path("spec").path("containers"), "agent");

        // the certificate names the Service; the callers check tresor-freeze-agent.<agent namespace>.svc
        assertThat(service.path("metadata").path("name").asText() + "." + namespace + ".svc")
                .isEqualTo(FreezeClientConfig.serviceName(namespace))
                .isEqualTo(CALLER.tlsServerName());
        // headless: only a name for the certificate, never a path the calls take
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");

        // it selects exactly the DaemonSet's pods
        JsonNode selector = service.path("spec").path("selector");
        assertThat(selector.size()).isPositive();
        selector.fields().forEachRemaining(e -> {
            assertThat(pod.path("metadata").path("labels").path(e.getKey()).asText()).as(e.getKey())
                    .isEqualTo(e.getValue().asText());
            assertThat(daemonSet.path("spec").path("selector").path("matchLabels").path(e.getKey()).asText())
                    .as(e.getKey()).isEqualTo(e.getValue().asText());
        });
        // and the callers find those pods with the same label
        String[] label = CALLER.agentLabelSelector().split("=", 2);
        assertThat(selector.path(label[0]).asText()).isEqualTo(label[1]);

        // its port is the agent's gRPC port, under the name the callers look for
        JsonNode port = named(service.path("spec").path("ports"), "grpc");
        JsonNode containerPort = named(container.path("ports"), port.path("targetPort").asText());
        assertThat(containerPort.path("name").asText()).isEqualTo(CALLER.portName());
        assertThat(containerPort.path("containerPort").asInt()).isEqualTo(port.path("port").asInt()).isEqualTo(9443);

        // the Secret the service CA writes is mounted, and the agent reads its certificate and key from the mount
        String secret = service.path("metadata").path("annotations").path(SERVING_CERT).asText();
        assertThat(secret).isNotEmpty();
        String volume = null;
        for (JsonNode v : pod.path("spec").path("volumes")) {
            if (v.path("secret").path("secretName").asText().equals(secret)) {
                volume = v.path("name").asText();
                assertThat(v.path("secret").path("optional").asBoolean(false)).as("a pod without it must wait")
                        .isFalse();
            }
        }
        assertThat(volume).as("a volume of Secret " + secret).isNotNull();
        String mount = named(container.path("volumeMounts"), volume).path("mountPath").asText();
        AgentConfig agent = AgentConfig.parse(args(container), env(container));
        assertThat(agent.tlsCert()).isEqualTo(mount + "/tls.crt");
        assertThat(agent.tlsKey()).isEqualTo(mount + "/tls.key");
        assertThat(agent.port()).isEqualTo(port.path("port").asInt());

        // the agent's SCC admits every volume type the pod uses (secret for the certificate)
        List<String> allowed = new ArrayList<>();
        one(objects, "SecurityContextConstraints").path("volumes").forEach(v -> allowed.add(v.asText()));
        for (JsonNode v : pod.path("spec").path("volumes")) {
            v.fieldNames().forEachRemaining(type -> {
                if (!type.equals("name")) {
                    assertThat(allowed).as("SCC volumes").contains(type);
                }
            });
        }
    }

    @Test
    void theWebhookCallsTheAgentsOverTlsWithoutASetting() throws Exception {
        List<JsonNode> objects = objects(WEBHOOK);
        JsonNode pod = one(objects, "Deployment").path("spec").path("template").path("spec");
        JsonNode container = named(pod.path("containers"), "webhook");
        Map<String, String> env = env(container);
        // auto, the default: TLS trusting the service CA of the service-account volume, so that volume must be there
        assertThat(env).doesNotContainKeys(FreezeClientConfig.TLS_ENV, FreezeClientConfig.CA_FILE_ENV);
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isTrue();
        assertThat(one(objects, "ServiceAccount").path("automountServiceAccountToken").asBoolean(true)).isTrue();
    }

    private static String[] args(JsonNode container) {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        return args.toArray(String[]::new);
    }

    /** The container's literal environment (variables from fields or Secrets are left out). */
    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return env;
    }
}
