package io.tresor.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tresor.freeze.testing.AlertRules;
import io.tresor.freeze.testing.LoopVolume;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PrometheusRules of deploy/freeze-agent and deploy/webhook: listed by their kustomizations, scraped targets
 * wired to them, every alert with a severity and a runbook, accepted by {@code promtool check rules}, and firing
 * (or not) as {@code src/test/resources/monitoring/<component>-rules-test.yaml} expects ({@code promtool test rules}).
 */
class AlertRulesTest {
    private static final Path DEPLOY = Path.of("../deploy");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern JOB = Pattern.compile("\\bup\\{[^}]*job=\"([^\"]+)\"");

    private static List<JsonNode> objects(String component) throws IOException {
        return Kustomization.objects(DEPLOY.resolve(component));
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        return Kustomization.one(objects, kind);
    }

    private static Set<String> jobs(AlertRules rules) {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode rule : rules.rules()) {
            Matcher m = JOB.matcher(rule.path("expr").asText());
            while (m.find()) {
                jobs.add(m.group(1));
            }
        }
        return jobs;
    }

    private static Map<String, String> map(JsonNode labels) {
        return YAML.convertValue(labels, YAML.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    @Test
    void theAgentsPodMonitorScrapesTheirMetricsPortThroughTheNetworkPolicy() throws Exception {
        List<JsonNode> agent = objects("freeze-agent");
        JsonNode monitor = one(agent, "PodMonitor");
        JsonNode daemonSet = one(agent, "DaemonSet");
        Map<String, String> podLabels = map(daemonSet.path("spec").path("template").path("metadata").path("labels"));
        assertThat(podLabels).containsAllEntriesOf(map(monitor.path("spec").path("selector").path("matchLabels")));
        JsonNode container = daemonSet.path("spec").path("template").path("spec").path("containers").get(0);
        String port = monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText();
        JsonNode named = Stream.of(YAML.treeToValue(container.path("ports"), JsonNode[].class))
                .filter(p -> p.path("name").asText().equals(port)).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port));
        assertThat(container.path("args").toString()).contains("--metrics-port=" + named.path("containerPort").asInt());
        // user workload monitoring's namespace carries this label too (cluster-monitoring-operator's manifests)
        JsonNode fromMonitoring = Stream.of(YAML.treeToValue(one(agent, "NetworkPolicy").path("spec").path("ingress"),
                JsonNode[].class)).filter(i -> i.path("from").toString().contains(
                "\"network.openshift.io/policy-group\":\"monitoring\"")).findFirst().orElseThrow();
        assertThat(fromMonitoring.path("ports").get(0).path("port").asInt()).isEqualTo(named.path("containerPort").asInt());
        // job = the pods' label named by jobLabel: what the up{} alerts select
        String job = podLabels.get(monitor.path("spec").path("jobLabel").asText());
        assertThat(jobs(AlertRules.read(DEPLOY.resolve("freeze-agent/prometheusrule.yaml")))).containsExactly(job);
        // not an openshift-* namespace and not labelled for platform monitoring: user workload monitoring scrapes it
        JsonNode namespace = one(agent, "Namespace").path("metadata");
        assertThat(namespace.path("name").asText()).doesNotStartWith("openshift-");
        assertThat(namespace.path("labels").has("openshift.io/cluster-monitoring")).isFalse();
    }

    @Test
    void theWebhookRulesSelectTheJobOfItsServiceMonitor() throws Exception {
        List<JsonNode> webhook = objects("webhook");
        JsonNode monitor = one(webhook, "ServiceMonitor");
        JsonNode service = webhook.stream().filter(o -> o.path("kind").asText().equals("Service")).findFirst()
                .orElseThrow();
        String port = monitor.path("spec").path("endpoints").get(0).path("port").asText();
        assertThat(service.path("spec").path("ports").findValuesAsText("name")).contains(port);
        // a ServiceMonitor's job label is the Service's name
        assertThat(jobs(AlertRules.read(DEPLOY.resolve("webhook/prometheusrule.yaml"))))
                .containsExactly(service.path("metadata").path("name").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"freeze-agent", "webhook"})
    void everyAlertHasASeverityAndARunbookAndIsDeployed(String component) throws Exception {
        assertThat(YAML.readTree(DEPLOY.resolve(component + "/kustomization.yaml").toFile()).path("resources")
                .toString()).contains("\"prometheusrule.yaml\"");
        assertThat(objects(component)).anySatisfy(o -> assertThat(o.path("kind").asText()).isEqualTo("PrometheusRule"));
        String readme = Files.readString(Path.of("..", component, "README.md"));
        List<JsonNode> alerts = AlertRules.read(DEPLOY.resolve(component + "/prometheusrule.yaml")).rules();
        assertThat(alerts).isNotEmpty();
        for (JsonNode rule : alerts) {
            String name = rule.path("alert").asText();
            assertThat(name).as("alerting rules only").isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name)
                    .contains("Runbook: " + component + "/README.md");
            assertThat(readme).as("runbook of " + name).contains("`" + name + "`");
        }
    }

    @Test
    void aFilesystemLeftFrozenIsCriticalAfterOneMinute() throws Exception {
        JsonNode rule = AlertRules.read(DEPLOY.resolve("freeze-agent/prometheusrule.yaml")).rules().stream()
                .filter(r -> r.path("alert").asText().equals("TresorFilesystemLeftFrozen")).findFirst().orElseThrow();
        assertThat(AlertRules.metricNames(rule.path("expr").asText())).containsExactly("tresor_freeze_thaw_pending");
        assertThat(rule.path("expr").asText()).endsWith("> 0");
        assertThat(rule.path("for").asText()).isEqualTo("1m");
        assertThat(rule.path("labels").path("severity").asText()).isEqualTo("critical");
    }

    @ParameterizedTest
    @ValueSource(strings = {"freeze-agent", "webhook"})
    void promtoolAcceptsTheRulesAndTheyFireAsExpected(String component) throws Exception {
        String promtool = promtool();
        JsonNode spec = AlertRules.read(DEPLOY.resolve(component + "/prometheusrule.yaml")).manifest().path("spec");
        Path dir = Files.createTempDirectory("tresor-rules-");
        try {
            YAML.writeValue(dir.resolve("full.yaml").toFile(), spec);
            // the unit tests assert which alerts fire with which labels; the annotation templates are checked above
            JsonNode bare = spec.deepCopy();
            bare.path("groups").forEach(g -> g.path("rules").forEach(r -> ((ObjectNode) r).remove("annotations")));
            YAML.writeValue(dir.resolve("rules.yaml").toFile(), bare);
            try (InputStream in = AlertRulesTest.class.getResourceAsStream("/monitoring/" + component
                    + "-rules-test.yaml")) {
                Files.copy(in, dir.resolve("test.yaml"));
            }
            run(dir, promtool, "check", "rules", "full.yaml");
            run(dir, promtool, "test", "rules", "test.yaml");
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
        }
    }

    /** promtool on the PATH; missing: a failure as root (CI installs it), else the test is skipped with a message. */
    private static String promtool() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            if (LoopVolume.isRoot()) {
                fail("promtool is not installed: install the Debian package prometheus (.ci/run does)");
            }
            Assumptions.abort("SKIPPED: promtool is not installed (Debian package prometheus) and not root;"
                    + " CI runs as root and installs it");
        }
        return found.get().toString();
    }
}
