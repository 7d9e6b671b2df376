package io.tresor.imagebuilder;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.SpecialModes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** Writes one image as an OCI archive with Jib core: from scratch, our layers only, fixed times. */
final class JibImages {
    /** Every file's time in every layer, and the image's creation time: fixed, so two builds give the same digests. */
    static final Instant FIXED_TIME = FileEntriesLayer.DEFAULT_MODIFICATION_TIME;

    /** A named layer of an image. */
    record Layer(String name, List<LayerEntry> entries) {
    }

    /** What one image is made of. */
    record Image(String name, List<Layer> layers, List<String> entrypoint, String user, Map<String, String> labels) {
    }

    private JibImages() {
    }

    /**
     * Writes {@code image} to {@code archive} as an OCI image layout in a tar ({@code oci-layout}, {@code index.json},
     * {@code blobs/sha256/...}), the form {@code skopeo copy oci-archive:...} and {@code podman load} read.
     *
     * @param emptyDir an empty directory, the source of directories made from nothing (Jib copies a directory's
     *                 entry, not its contents)
     * @param cache    Jib's layer cache: a layer whose files did not change is not compressed again
     */
    static JibContainer write(Image image, String reference, Path archive, Path emptyDir, Path cache,
                              ExecutorService executor) throws Exception {
        JibContainerBuilder builder = Jib.fromScratch().setFormat(ImageFormat.OCI).setCreationTime(Instant.EPOCH)
                .setEntrypoint(image.entrypoint()).setUser(image.user()).setLabels(image.labels());
        for (Layer layer : image.layers()) {
            FileEntriesLayer.Builder jibLayer = FileEntriesLayer.builder().setName(layer.name());
            for (LayerEntry e : layer.entries()) {
                // the file a symlink names (the loader's /lib64 link, jlink's license links): Jib writes regular files
                Path source = e.directory() ? emptyDir : e.source().toRealPath();
                if (!e.directory() && !Files.isRegularFile(source)) {
                    throw new IllegalArgumentException(e.source() + " (for " + e.target() + ") is no regular file");
                }
                jibLayer.addEntry(source, AbsoluteUnixPath.get(e.target()), SpecialModes.of(e.mode()), FIXED_TIME);
            }
            builder.addFileEntriesLayer(jibLayer.build());
        }
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        return builder.containerize(Containerizer.to(TarImage.at(archive).named(reference))
                .setBaseImageLayersCache(cache).setApplicationLayersCache(cache).setExecutorService(executor)
                .setAllowInsecureRegistries(false).setOfflineMode(true));
    }
}
