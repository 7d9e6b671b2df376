package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * One OCI archive the build wrote ({@code images/target/oci/<name>-<version>.tar}), unpacked with tar into a directory
 * and read as a registry client would: index.json, then the manifest, the config and the layers by digest.
 */
final class OciImage {
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final Path archive;
    final Path layout;
    final JsonNode index;
    final String manifestDigest;
    final JsonNode manifest;
    final JsonNode config;

    private OciImage(String name, Path archive, Path layout) throws IOException {
        this.name = name;
        this.archive = archive;
        this.layout = layout;
        this.index = JSON.readTree(layout.resolve("index.json").toFile());
        this.manifestDigest = index.path("manifests").path(0).path("digest").asText();
        this.manifest = JSON.readTree(blob(manifestDigest).toFile());
        this.config = JSON.readTree(blob(manifest.path("config").path("digest").asText()).toFile());
    }

    /** The archive of image {@code name} of this build, unpacked (tar xf) into {@code dir}. */
    static OciImage open(String name, Path dir) throws Exception {
        return open(name, archive(name), dir);
    }

    /** Any OCI archive, unpacked (tar xf) into {@code dir}. */
    static OciImage open(String name, Path archive, Path dir) throws Exception {
        Path layout = Files.createDirectories(dir.resolve(name + "-layout"));
        run(List.of("tar", "-xf", archive.toString(), "-C", layout.toString()), 120);
        return new OciImage(name, archive, layout);
    }

    /** {@code <oci dir>/<name>-<version>.tar}, from failsafe's system properties. */
    static Path archive(String name) {
        String dir = System.getProperty("tresor.oci.dir");
        String version = System.getProperty("tresor.image.version");
        if (dir == null || version == null) {
            throw new IllegalStateException("system properties tresor.oci.dir/tresor.image.version are not set; run through ./mvnw verify");
        }
        Path p = Path.of(dir, name + "-" + version + ".tar");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing; the images module's package phase writes it (oci-images)");
        }
        return p;
    }

    /** The file of blob {@code digest} ({@code sha256:<hex>}) in the layout. */
    Path blob(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return layout.resolve("blobs/sha256").resolve(digest.substring(7));
    }

    /** The layers' blob files, bottom first. */
    List<Path> layers() {
        List<Path> layers = new ArrayList<>();
        manifest.path("layers").forEach(l -> layers.add(blob(l.path("digest").asText())));
        return layers;
    }

    /** The entries of one layer blob (gzip-compressed tar). */
    static List<TarEntries.Entry> entries(Path layer) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer), 1 << 16)) {
            return TarEntries.read(in);
        }
    }

    /** Extracts every layer, bottom first, with tar into {@code rootfs} (as a container runtime does; no whiteouts). */
    void unpack(Path rootfs) throws Exception {
        Files.createDirectories(rootfs);
        for (Path layer : layers()) {
            run(List.of("tar", "-xzf", layer.toString(), "-C", rootfs.toString()), 300);
        }
    }

    List<String> entrypoint() {
        List<String> ep = new ArrayList<>();
        config.path("config").path("Entrypoint").forEach(n -> ep.add(n.asText()));
        return ep;
    }

    String user() {
        return config.path("config").path("User").asText();
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    static String run(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(cmd + " still running after " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }
}
