package io.tresor.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * What {@code deploy/} runs is what this build makes: each workload's image is rewritten by its kustomization to the
 * repository the archive names, at the release this tree builds; the workload starts the image's own entrypoint, and
 * a pod that must run as non-root gets an image whose user is numeric and not 0 (the kubelet refuses anything else).
 * Otherwise a renamed image or a changed entrypoint would only show up when a cluster fails to start the pods.
 */
class DeployImagesIT {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).resolveSibling("deploy");

    /** The tag deploy/ pins: the project version without -SNAPSHOT (the release this tree becomes). */
    private static String releaseTag() {
        return System.getProperty("tresor.image.version").replaceFirst("-SNAPSHOT$", "");
    }

    @ParameterizedTest
    @CsvSource({"webhook, Deployment, " + OciArchiveIT.WEBHOOK, "freeze-agent, DaemonSet, " + OciArchiveIT.AGENT})
    void theKustomizationRunsThisBuildsImageWithItsEntrypoint(String dir, String kind, String image, @TempDir Path tmp)
            throws Exception {
        Path base = DEPLOY.resolve(dir);
        JsonNode kustomization = YAML.readTree(base.resolve("kustomization.yaml").toFile());
        JsonNode workload = resources(base, kustomization).stream().filter(o -> o.path("kind").asText().equals(kind))
                .findFirst().orElseThrow(() -> new AssertionError("deploy/" + dir + " has no " + kind));
        JsonNode pod = workload.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").path(0);

        JsonNode rewrite = null;
        for (JsonNode entry : kustomization.path("images")) {
            if (entry.path("name").asText().equals(container.path("image").asText())) {
                rewrite = entry;
            }
        }
        assertThat(rewrite).as("deploy/%s: kustomize images: entry for the container's image %s", dir,
                container.path("image").asText()).isNotNull();
        OciImage built = OciImage.open(image, tmp);
        String reference = built.index.path("manifests").path(0).path("annotations")
                .path("org.opencontainers.image.ref.name").asText();
        assertThat(rewrite.path("newName").asText() + ":" + System.getProperty("tresor.image.version"))
                .as("deploy/%s pulls the repository the archive names", dir).isEqualTo(reference);
        assertThat(rewrite.path("newTag").asText()).as("deploy/%s pins this tree's release", dir).isEqualTo(releaseTag());

        assertThat(container.has("command")).as("deploy/%s overrides the image's entrypoint %s", dir, built.entrypoint())
                .isFalse();
        boolean nonRoot = pod.path("securityContext").path("runAsNonRoot").asBoolean(false)
                || container.path("securityContext").path("runAsNonRoot").asBoolean(false);
        if (nonRoot) {
            assertThat(built.user()).as("the image's user (runAsNonRoot needs a numeric, non-zero one)").matches("[0-9]+")
                    .isNotEqualTo("0");
        }
        JsonNode runAsUser = container.path("securityContext").path("runAsUser");
        if (runAsUser.isNumber()) {
            assertThat(built.user()).as("deploy/%s runs the container as user %s", dir, runAsUser)
                    .isEqualTo(runAsUser.asText());
        }
    }

    @Test
    void theDpaPatchInstallsThisBuildsPluginImage() throws Exception {
        JsonNode patch = YAML.readTree(DEPLOY.resolve("oadp/dpa-patch.yaml").toFile());
        JsonNode plugins = patch.path("spec").path("configuration").path("velero").path("customPlugins");
        assertThat(plugins).hasSize(1);
        assertThat(plugins.path(0).path("name").asText()).isEqualTo("tresor");
        // the archive's own name is checked by OciArchiveIT: quay.io/tresor/<name>:<project version>
        assertThat(plugins.path(0).path("image").asText())
                .isEqualTo("quay.io/tresor/" + OciArchiveIT.PLUGIN + ":" + releaseTag());
        assertThat(patch.path("spec").path("backupImages").isBoolean()).isTrue();
        assertThat(patch.path("spec").path("backupImages").asBoolean()).as("OADP's own ImageStream copy off").isFalse();
        assertThat(patch.path("spec").path("nonAdmin").path("enable").asBoolean()).isTrue();
    }

    private static List<JsonNode> resources(Path base, JsonNode kustomization) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(base.resolve(resource.asText())
                    .toFile())) {
                docs.readAll().stream().filter(JsonNode::isObject).forEach(objects::add);
            }
        }
        return objects;
    }
}
