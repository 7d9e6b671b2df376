package io.tresor.images;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The servers' runtime (jlinked once for the webhook and the freeze agent, image-builder's RuntimeBuilder) has every
 * module jdeps finds their jars using: a new dependency that needs another JDK module fails here, not in a pod.
 */
class RuntimeModulesIT {

    @Test
    void theServersRuntimeHasEveryModuleTheirJarsNeed() throws Exception {
        Path release = Path.of(System.getProperty("tresor.image.work"), "java", "release");
        assertThat(release).as("the runtime the images were built with").isRegularFile();
        Set<String> linked = new TreeSet<>();
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("MODULES=")) {
                linked.addAll(Arrays.asList(line.substring(8).replace("\"", "").split(" ")));
            }
        }
        assertThat(linked).contains("java.base");
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        for (String app : List.of("webhook", "freeze-agent")) {
            List<String> jars = new ArrayList<>();
            try (Stream<Path> libs = Files.list(root.resolve(app).resolve("target/image-lib"))) {
                libs.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> jars.add(p.toString()));
            }
            try (Stream<Path> own = Files.list(root.resolve(app).resolve("target"))) {
                own.filter(p -> p.getFileName().toString().matches("tresor-" + app + "-[^/]*[0-9T](-SNAPSHOT)?\\.jar"))
                        .forEach(p -> jars.add(p.toString()));
            }
            Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
            List<String> cmd = new ArrayList<>(List.of(jdeps.toString(), "--print-module-deps", "--ignore-missing-deps",
                    "--multi-release", "25", "-q", "--class-path", String.join(":", jars)));
            cmd.addAll(jars);
            String out = OciImage.run(cmd, 300).strip();
            String last = out.lines().reduce((a, b) -> b).orElse("");
            Set<String> needed = new TreeSet<>(Arrays.asList(last.split(",")));
            assertThat(needed).as("jdeps of %s (%d jars): %s", app, jars.size(), out).contains("java.base");
            assertThat(linked).as("modules of the runtime in the %s image", app).containsAll(needed);
        }
    }
}
