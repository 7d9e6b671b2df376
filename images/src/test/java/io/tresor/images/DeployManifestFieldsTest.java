package io.tresor.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every object in {@code deploy/} is read into the Kubernetes and OpenShift API models (fabric8's, generated from the
 * APIs' OpenAPI schemas) and may hold no field those models do not know. The apiserver's strict field validation
 * (kubectl's default since 1.25) would refuse such a manifest at install time, and a lenient apply would silently drop
 * the field, e.g. a misspelt {@code readOnlyRootFilesystem}. Also: each directory's kustomization lists exactly the
 * files there are, so none is left out of an install.
 */
class DeployManifestFieldsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).resolveSibling("deploy");
    /** Kinds with no model here, each with why it is still fine. */
    private static final Map<String, String> UNMODELLED = Map.of(
            "oadp.openshift.io/v1alpha1 DataProtectionApplication",
            "OADP's CRD: a patch the admin merges into their own DPA (DeployImagesIT checks what tresor needs of it)");

    @Test
    void everyDeployedObjectHasOnlyFieldsItsApiKnows() throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Path file : manifests()) {
            for (JsonNode document : documents(file)) {
                String where = DEPLOY.relativize(file) + " " + document.path("kind").asText() + "/"
                        + document.path("metadata").path("name").asText();
                String type = document.path("apiVersion").asText() + " " + document.path("kind").asText();
                KubernetesResource object = Serialization.unmarshal(YAML.writeValueAsString(document),
                        KubernetesResource.class);
                if (object instanceof GenericKubernetesResource) {
                    assertThat(UNMODELLED).as("%s: %s has no API model here", where, type).containsKey(type);
                    continue;
                }
                unknown.addAll(unknownFields(where, object));
                checked.add(type);
            }
        }
        assertThat(unknown).as("fields no API version of their object knows").isEmpty();
        // what the test must have covered: the workloads, the webhooks, the SCC and the monitoring objects
        assertThat(checked).contains("apps/v1 DaemonSet", "apps/v1 Deployment",
                "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration",
                "admissionregistration.k8s.io/v1 MutatingWebhookConfiguration",
                "security.openshift.io/v1 SecurityContextConstraints", "monitoring.coreos.com/v1 PrometheusRule",
                "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 ServiceMonitor",
                "networking.k8s.io/v1 NetworkPolicy");
    }

    @Test
    void aMisspeltFieldIsFound() throws IOException {
        String daemonSet = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec:
                      containers:
                        - name: agent
                          image: agent
                          securityContext: {readOnlyRootFileSystem: true, privileged: true}
                """;
        KubernetesResource object = Serialization.unmarshal(daemonSet, KubernetesResource.class);
        assertThat(unknownFields("ds", object)).containsExactly(
                "ds: spec.template.spec.containers[0].securityContext has no field readOnlyRootFileSystem");
    }

    @Test
    void eachKustomizationListsEveryManifestOfItsDirectory() throws IOException {
        try (Stream<Path> dirs = Files.list(DEPLOY)) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).toList()) {
                JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
                Set<String> listed = new TreeSet<>();
                kustomization.path("resources").forEach(r -> listed.add(r.asText()));
                kustomization.path("configMapGenerator").forEach(g -> g.path("files")
                        .forEach(f -> listed.add(f.asText().replaceFirst("^[^=]+=", ""))));
                Set<String> present = new TreeSet<>();
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                            .filter(n -> !n.equals("kustomization.yaml")).forEach(present::add);
                }
                assertThat(listed).as("deploy/%s/kustomization.yaml: resources and generator files", dir.getFileName())
                        .isEqualTo(present);
            }
        }
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            // policy.yaml is the webhook's own policy file, carried into a ConfigMap by the generator
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !f.getFileName().toString().equals("policy.yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isMissingNode() && !document.isNull()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** Each field the models put into an object's {@code additionalProperties}, i.e. one its schema does not have. */
    static List<String> unknownFields(String where, Object root) {
        List<String> found = new ArrayList<>();
        walk(where, "", root, found);
        return found;
    }

    private static void walk(String where, String path, Object value, List<String> found) {
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(where, path + "[" + i++ + "]", item, found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(where, path + "[" + k + "]", v, found));
            return;
        }
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> found.add(where + ": " + (path.isEmpty() ? "(top level)" : path)
                            + " has no field " + k));
                }
                continue;
            }
            String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            walk(where, path.isEmpty() ? name : path + "." + name, child, found);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + getter, e);
        }
    }
}
