package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OCI archives as a registry client reads them: layout, index → manifest → config, every blob's digest and size,
 * the config's platform, entrypoint and user, and what the layers hold.
 */
class OciArchiveIT {
    static final String PLUGIN = "tresor-velero-plugin";
    static final String WEBHOOK = "tresor-webhook";
    static final String AGENT = "freeze-agent";
    /** Every file's time in every layer (Jib's fixed time): two builds give the same digests. */
    static final long FIXED_MTIME = 1;

    @ParameterizedTest
    @ValueSource(strings = {PLUGIN, WEBHOOK, AGENT})
    void theArchiveIsAnOciLayoutWhoseBlobsMatchTheirDigests(String name, @TempDir Path dir) throws Exception {
        OciImage image = OciImage.open(name, dir);
        assertThat(OciImage.JSON.readTree(image.layout.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText())
                .isEqualTo("1.0.0");
        assertThat(image.index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(image.index.path("manifests")).hasSize(1);
        JsonNode descriptor = image.index.path("manifests").path(0);
        assertThat(descriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText())
                .isEqualTo("quay.io/tresor/" + name + ":" + System.getProperty("tresor.image.version"));

        List<JsonNode> descriptors = new ArrayList<>(List.of(descriptor, image.manifest.path("config")));
        image.manifest.path("layers").forEach(descriptors::add);
        Set<String> referenced = new HashSet<>();
        for (JsonNode d : descriptors) {
            Path blob = image.blob(d.path("digest").asText());
            assertThat(OciImage.sha256(blob)).as("digest of %s", blob).isEqualTo(d.path("digest").asText());
            assertThat(Files.size(blob)).as("size of %s", blob).isEqualTo(d.path("size").asLong());
            referenced.add(blob.getFileName().toString());
        }
        try (Stream<Path> blobs = Files.list(image.layout.resolve("blobs/sha256"))) {
            assertThat(blobs.map(p -> p.getFileName().toString()).toList()).as("blobs nothing refers to")
                    .containsExactlyInAnyOrderElementsOf(referenced);
        }
        assertThat(image.manifest.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        image.manifest.path("layers").forEach(l -> assertThat(l.path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip"));

        assertThat(image.config.path("os").asText()).isEqualTo("linux");
        assertThat(image.config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(image.config.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(image.config.path("rootfs").path("diff_ids")).hasSize(image.layers().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {PLUGIN, WEBHOOK, AGENT})
    void layersHoldCleanRelativePathsAtTheFixedTimeAndAStickyTmp(String name, @TempDir Path dir) throws Exception {
        OciImage image = OciImage.open(name, dir);
        Map<String, TarEntries.Entry> all = new HashMap<>();
        for (Path layer : image.layers()) {
            for (TarEntries.Entry e : OciImage.entries(layer)) {
                assertThat(e.name()).as("entry of %s", name).doesNotStartWith("/")
                        .doesNotContain("../").isNotEqualTo("..").doesNotEndWith("/..");
                assertThat(e.type()).as("%s: regular files and directories only", e.name()).isIn('0', '5');
                assertThat(e.mtime()).as("time of %s", e.name()).isEqualTo(FIXED_MTIME);
                all.put(e.name().replaceAll("/$", ""), e);
            }
        }
        assertThat(all.get("tmp")).as("/tmp").isNotNull();
        assertThat(all.get("tmp").type()).isEqualTo('5');
        assertThat(all.get("tmp").mode() & 07777).as("/tmp's mode").isEqualTo(01777);
        assertThat(all).containsKeys("lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6",
                "usr/share/doc/libc6/copyright");
    }

    @Test
    void thePluginImageInstallsItselfAsVeleroNeedsIt(@TempDir Path dir) throws Exception {
        OciImage image = OciImage.open(PLUGIN, dir);
        assertThat(image.entrypoint()).containsExactly("/plugins/tresor", "install", "/target");
        assertThat(image.user()).as("a numeric non-root user").matches("[1-9][0-9]*");

        // The /plugins tree as Velero scans a copy of it: one executable, no symlink, few files; the same files, byte
        // for byte in size, as the packaged tree.
        Map<String, TarEntries.Entry> plugins = new HashMap<>();
        for (Path layer : image.layers()) {
            for (TarEntries.Entry e : OciImage.entries(layer)) {
                if (e.name().startsWith("plugins/") && e.type() != '5') {
                    plugins.put(e.name().substring("plugins/".length()), e);
                }
            }
        }
        assertThat(plugins.values()).as("symlinks under /plugins").noneMatch(e -> e.type() == '2' || e.type() == '1');
        assertThat(plugins.values().stream().filter(e -> (e.mode() & 0111) != 0).map(TarEntries.Entry::name))
                .as("executables under /plugins").containsExactly("plugins/tresor");
        assertThat(plugins.get("tresor").mode() & 07777).isEqualTo(0755);
        assertThat(plugins.values()).filteredOn(e -> !e.name().equals("plugins/tresor"))
                .allSatisfy(e -> assertThat(e.mode() & 07777).as(e.name()).isEqualTo(0644));
        assertThat(plugins).hasSizeLessThanOrEqualTo(70);

        Path tree = PluginTrees.shipped().getParent();
        Map<String, Long> packaged = new HashMap<>();
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                packaged.put(tree.relativize(p).toString(), Files.size(p));
            }
        }
        Map<String, Long> shipped = new HashMap<>();
        plugins.forEach((path, e) -> shipped.put(path, e.size()));
        assertThat(shipped).as("the image's /plugins against %s", tree).isEqualTo(packaged);
    }

    @Test
    void theServersStartFromTheirImagesJavaWithCappedHeapsAndShareTheirCommonLayers(@TempDir Path dir) throws Exception {
        OciImage webhook = OciImage.open(WEBHOOK, dir);
        OciImage agent = OciImage.open(AGENT, dir);
        OciImage plugin = OciImage.open(PLUGIN, dir);
        for (OciImage image : List.of(webhook, agent)) {
            assertThat(image.entrypoint()).as(image.name).startsWith("/opt/java/bin/java")
                    .contains("-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-cp");
        }
        assertThat(webhook.entrypoint()).last().isEqualTo("io.tresor.webhook.WebhookMain");
        assertThat(webhook.user()).matches("[1-9][0-9]*");
        assertThat(agent.entrypoint()).contains("--enable-native-access=ALL-UNNAMED").last()
                .isEqualTo("io.tresor.freeze.FreezeAgentMain");
        assertThat(agent.user()).as("FIFREEZE needs root; the DaemonSet runs it as 0").isEqualTo("0");

        // base (loader, glibc), the Java runtime and the jars both servers use: stored once by a registry
        List<Path> webhookLayers = webhook.layers();
        List<Path> agentLayers = agent.layers();
        assertThat(plugin.layers().get(0).getFileName()).as("the base layer of all three")
                .isEqualTo(webhookLayers.get(0).getFileName()).isEqualTo(agentLayers.get(0).getFileName());
        Set<Path> common = new HashSet<>(webhookLayers.stream().map(Path::getFileName).toList());
        common.retainAll(agentLayers.stream().map(Path::getFileName).toList());
        assertThat(common).as("layers the webhook and agent images share (base, java, shared jars)").hasSize(3);
        long sharedBytes = 0;
        for (Path layer : webhookLayers) {
            if (common.contains(layer.getFileName())) {
                sharedBytes += Files.size(layer);
            }
        }
        assertThat(sharedBytes).as("compressed bytes stored once").isGreaterThan(Files.size(webhookLayers.get(1)));
    }
}
