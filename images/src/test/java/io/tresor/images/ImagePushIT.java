package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.imagearchive.testing.RegistryServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archives pushed as README says, with skopeo into a real registry (Debian's docker-registry on 127.0.0.1), and
 * read back: the registry holds the manifest the archive holds, under the same digest.
 */
class ImagePushIT {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    @Test
    void skopeoPushesEachArchiveAndTheRegistryServesTheSameManifestDigest(@TempDir Path dir) throws Exception {
        RegistryServer.requireBinary();
        if (!Files.isExecutable(SKOPEO)) {
            String message = SKOPEO + " is missing: apt-get install -y --no-install-recommends skopeo";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (.ci/run installs it)");
            }
            Assumptions.abort(message);
        }
        Path policy = Files.writeString(dir.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        String version = System.getProperty("tresor.image.version");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("registry"), null)) {
            for (String name : List.of(OciArchiveIT.PLUGIN, OciArchiveIT.WEBHOOK, OciArchiveIT.AGENT)) {
                OciImage image = OciImage.open(name, dir);
                String ref = "docker://" + registry.hostPort() + "/tresor/" + name + ":" + version;
                skopeo(policy, "copy", "--dest-tls-verify=false", "oci-archive:" + image.archive, ref);
                JsonNode inspected = OciImage.JSON.readTree(skopeo(policy, "inspect", "--tls-verify=false", ref));
                assertThat(inspected.path("Digest").asText()).as(name).isEqualTo(image.manifestDigest);
                assertThat(inspected.path("Os").asText()).isEqualTo("linux");
                assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
                List<String> layers = new ArrayList<>();
                inspected.path("Layers").forEach(l -> layers.add(l.asText()));
                List<String> archived = new ArrayList<>();
                image.manifest.path("layers").forEach(l -> archived.add(l.path("digest").asText()));
                assertThat(layers).isEqualTo(archived);
            }
        }
    }

    private static String skopeo(Path policy, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString(), "--policy", policy.toString()));
        cmd.addAll(List.of(args));
        return OciImage.run(cmd, 300);
    }
}
