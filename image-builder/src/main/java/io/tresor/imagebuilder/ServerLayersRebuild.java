package io.tresor.imagebuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rebuilds the webhook's and freeze agent's reproducible layers (java, shared jars, each server's jars) from the
 * build's inputs, jlink included, so that a test can compare their digests with the archives the build wrote: the
 * same inputs must give the same layers (images module, {@code ReproducibleServerLayersIT}).
 */
public final class ServerLayersRebuild {
    /** The layer names of the rebuilt archive, bottom first. */
    public static final List<String> LAYERS = List.of("java", "shared-jars", "webhook", "freeze-agent");

    private ServerLayersRebuild() {
    }

    /**
     * jlinks the runtime into {@code work/java} and writes one image of {@link #LAYERS}, made as
     * {@link ImageBuilderMain} makes them, to {@code work/rebuilt.tar} (an OCI archive; not an image anyone runs).
     */
    public static Path write(Path jdk, Path work, Path webhookJar, Path webhookLib, Path agentJar, Path agentLib)
            throws Exception {
        Map<String, Path> webhookJars = ImageBuilderMain.jars(webhookJar, webhookLib, "webhook");
        Map<String, Path> agentJars = ImageBuilderMain.jars(agentJar, agentLib, "freeze-agent");
        ServerLayers servers = ServerLayers.of(RuntimeBuilder.build(jdk, work.resolve("java")), webhookJars, agentJars);
        JibImages.Image image = new JibImages.Image("rebuilt", List.of(servers.java(), servers.sharedJars(),
                servers.webhook(), servers.agent()), List.of("/opt/java/bin/java"), ImageBuilderMain.NON_ROOT, Map.of());
        Path archive = work.resolve("rebuilt.tar");
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            JibImages.write(image, "localhost/tresor-rebuilt:check", archive,
                    Files.createDirectories(work.resolve("empty")), work.resolve("jib-cache"), executor);
        } finally {
            executor.shutdownNow();
        }
        return archive;
    }
}
