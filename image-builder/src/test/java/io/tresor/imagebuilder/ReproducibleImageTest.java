package io.tresor.imagebuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** Jib core as the build uses it: the same files give the same image digest, whatever their times on disk. */
class ReproducibleImageTest {

    @Test
    void twoBuildsOfTheSameFilesHaveTheSameDigest(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("hello"), "hello\n");
        Files.createDirectories(dir.resolve("empty"));
        JibImages.Image image = new JibImages.Image("t", List.of(new JibImages.Layer("l", List.of(
                LayerEntry.file(file, "/app/hello", 0755), LayerEntry.dir("/tmp", 01777)))),
                List.of("/app/hello"), "65532", Map.of());
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            String first = JibImages.write(image, "quay.io/tresor/t:1", dir.resolve("a/t.tar"), dir.resolve("empty"),
                    dir.resolve("cache-a"), executor).getDigest().toString();
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            String second = JibImages.write(image, "quay.io/tresor/t:1", dir.resolve("b/t.tar"), dir.resolve("empty"),
                    dir.resolve("cache-b"), executor).getDigest().toString();
            assertThat(second).isEqualTo(first);
            assertThat(Files.readAllBytes(dir.resolve("b/t.tar"))).isEqualTo(Files.readAllBytes(dir.resolve("a/t.tar")));
        } finally {
            executor.shutdownNow();
        }
    }
}
