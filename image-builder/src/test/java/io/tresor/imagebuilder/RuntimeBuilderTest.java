package io.tresor.imagebuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jlink's output, its CDS archive included, does not depend on the host the build runs on: a build whose environment
 * asks the JVM for another machine (less memory, one CPU, as a smaller build host or container has) gives the same
 * tree byte for byte. java.base only, two jlinks in parallel (~15 s); the servers' full module set is checked against
 * the build's archives by the images module's ReproducibleServerLayersIT.
 */
class RuntimeBuilderTest {
    private static final Path JDK = Path.of(System.getProperty("tresor.jdk25.home",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));

    @Test
    void jlinkGivesTheSameTreeWhateverHostTheEnvironmentDescribes(@TempDir Path dir) throws Exception {
        Map<String, String> otherHost = new HashMap<>(System.getenv());
        // each would change the dump's default heap or GC, and so the archive's bytes, were they let through
        otherHost.put("JAVA_TOOL_OPTIONS", "-XX:MaxRAM=3g");
        otherHost.put("_JAVA_OPTIONS", "-XX:ActiveProcessorCount=1");
        otherHost.put("JDK_JAVA_OPTIONS", "-XX:MaxRAM=5g");
        CompletableFuture<Path> a = jlink(dir.resolve("a"), System.getenv());
        CompletableFuture<Path> b = jlink(dir.resolve("b"), otherHost);
        Map<String, String> first = sha256s(a.get());
        assertThat(first).containsKey("lib/server/classes.jsa");
        Map<String, String> second = sha256s(b.get());
        assertThat(second.keySet()).isEqualTo(first.keySet());
        assertThat(first.keySet().stream().filter(f -> !first.get(f).equals(second.get(f))).toList())
                .as("files that differ").isEmpty();
        String cds = RuntimeBuilder.run(List.of(a.get().resolve("bin/java").toString(), "-Xshare:on",
                "-Xlog:cds=info", "-version"), 60);
        assertThat(cds).as("the dump's pinned heap (CDS_DUMP_OPTIONS)").contains("created with max heap size = 1024M");
    }

    @Test
    void theDumpSeesOnlyThePinnedOptions() {
        Map<String, String> env = RuntimeBuilder.jlinkEnvironment(Map.of("PATH", "/usr/bin",
                "JAVA_TOOL_OPTIONS", "-Xmx8g", "_JAVA_OPTIONS", "-Xmx8g", "JDK_JAVA_OPTIONS", "-Xmx8g"));
        assertThat(env).isEqualTo(Map.of("PATH", "/usr/bin", "JAVA_TOOL_OPTIONS", RuntimeBuilder.CDS_DUMP_OPTIONS));
    }

    private static CompletableFuture<Path> jlink(Path out, Map<String, String> env) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return RuntimeBuilder.build(JDK, out, List.of("java.base"), env);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Map<String, String> sha256s(Path tree) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                sums.put(tree.relativize(f).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return sums;
    }
}
