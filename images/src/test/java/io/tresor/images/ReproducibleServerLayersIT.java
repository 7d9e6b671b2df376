package io.tresor.images;

import io.tresor.imagebuilder.ServerLayersRebuild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook and freeze-agent images are reproducible: their java and jar layers, rebuilt from the same inputs
 * (jlink run again, the same jars), have the digests of the archives the build wrote, and tresor's own jars carry
 * {@code project.build.outputTimestamp} in every entry instead of the build's time (two clean builds give the same
 * jars). A full second clean build is what this stands for; see images/README.md.
 */
class ReproducibleServerLayersIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void rebuildingTheServersLayersFromTheSameInputsGivesTheSameDigests(@TempDir Path dir) throws Exception {
        Path rebuiltArchive = ServerLayersRebuild.write(Path.of(System.getProperty("tresor.jdk25.home")),
                dir.resolve("work"), mainJar("webhook"), ROOT.resolve("webhook/target/image-lib"),
                mainJar("freeze-agent"), ROOT.resolve("freeze-agent/target/image-lib"));
        // file by file first: when jlink's output differs, this names the file (lib/server/classes.jsa was the one)
        Map<String, String> built = sha256s(Path.of(System.getProperty("tresor.image.work"), "java"));
        Map<String, String> again = sha256s(dir.resolve("work/java"));
        assertThat(again.keySet()).as("a second jlink's files against the build's (image-work/java)")
                .isEqualTo(built.keySet());
        assertThat(built.keySet().stream().filter(f -> !built.get(f).equals(again.get(f))).toList())
                .as("files of a second jlink that differ from the build's").isEmpty();

        List<String> rebuilt = names(OciImage.open("rebuilt", rebuiltArchive, dir).layers());
        assertThat(rebuilt).hasSize(ServerLayersRebuild.LAYERS.size());
        List<String> webhook = names(OciImage.open(OciArchiveIT.WEBHOOK, dir).layers());
        List<String> agent = names(OciImage.open(OciArchiveIT.AGENT, dir).layers());
        // webhook: base, java, shared jars, webhook jars; agent: base, java, fsfreeze, shared jars, agent jars
        assertThat(List.of(rebuilt.get(0), rebuilt.get(1), rebuilt.get(2)))
                .as("java, shared-jars, webhook layers").isEqualTo(webhook.subList(1, 4));
        assertThat(List.of(rebuilt.get(0), rebuilt.get(1), rebuilt.get(3)))
                .as("java, shared-jars, freeze-agent layers").isEqualTo(List.of(agent.get(1), agent.get(3), agent.get(4)));
    }

    @Test
    void tresorsJarsInTheServerImagesCarryTheFixedOutputTimestamp() throws Exception {
        Instant fixed = Instant.parse(System.getProperty("tresor.outputTimestamp"));
        LocalDateTime expected = LocalDateTime.ofInstant(fixed, ZoneOffset.UTC);
        List<Path> jars = new ArrayList<>();
        for (String app : List.of("webhook", "freeze-agent")) {
            jars.add(mainJar(app));
            try (Stream<Path> libs = Files.list(ROOT.resolve(app).resolve("target/image-lib"))) {
                libs.filter(p -> p.getFileName().toString().startsWith("tresor-")).forEach(jars::add);
            }
        }
        assertThat(jars).as("tresor's own jars in the images").hasSizeGreaterThan(2);
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                List<String> off = new ArrayList<>();
                for (ZipEntry e : Collections.list(zip.entries())) {
                    // the jar plugin writes the instant as an MS-DOS date in UTC, whatever the host's zone
                    if (!e.getTimeLocal().equals(expected)) {
                        off.add(e.getName() + " " + e.getTimeLocal());
                    }
                }
                assertThat(off).as("entries of %s not at %s", jar.getFileName(), fixed).isEmpty();
            }
        }
    }

    private static Path mainJar(String app) {
        return ROOT.resolve(app).resolve("target/tresor-" + app + "-" + System.getProperty("tresor.image.version") + ".jar");
    }

    private static List<String> names(List<Path> layers) {
        return layers.stream().map(p -> "sha256:" + p.getFileName()).toList();
    }

    private static Map<String, String> sha256s(Path tree) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                sums.put(tree.relativize(f).toString(), OciImage.sha256(f));
            }
        }
        return sums;
    }
}
