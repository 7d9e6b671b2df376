package io.tresor.imagearchive.testing;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.registry.OciRegistryClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds test images from generated layers and pushes them with the client (configs, manifests, indexes). */
public final class TestImages {
    private final OciRegistryClient registry;
    private final Random random;

    public TestImages(OciRegistryClient registry, long seed) {
        this.registry = registry;
        this.random = new Random(seed);
    }

    /** A pushed blob. */
    public record Blob(Digest digest, long size, String mediaType) {
        public String descriptor() {
            return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}".formatted(mediaType, digest, size);
        }
    }

    /** A pushed manifest. */
    public record Pushed(Digest digest, String mediaType, long size, List<Blob> blobs) {
    }

    public Blob layer(String repository, int size, boolean oci) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return push(repository, content, oci ? "application/vnd.oci.image.layer.v1.tar+gzip"
                : "application/vnd.docker.image.rootfs.diff.tar.gzip");
    }

    public Blob config(String repository, String arch, boolean oci) {
        String json = "{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{\"Env\":[\"N=%d\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .formatted(arch, random.nextInt(1_000_000));
        return push(repository, json.getBytes(StandardCharsets.UTF_8),
                oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json");
    }

    /** An image manifest over a config and layers, pushed by digest (and under {@code tag} unless null). */
    public Pushed image(String repository, String tag, boolean oci, String arch, List<Blob> layers) {
        Blob config = config(repository, arch, oci);
        String type = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + type + "\",\"config\":" + config.descriptor()
                + ",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i == 0 ? "" : ",").append(layers.get(i).descriptor());
        }
        json.append("]}");
        List<Blob> blobs = new ArrayList<>(layers);
        blobs.add(0, config);
        return manifest(repository, tag, type, json.toString(), blobs);
    }

    /** An OCI index over linux/amd64 and linux/arm64 images that share their base layer. */
    public Pushed multiArch(String repository, String tag, int layerSize) {
        return multiArch(repository, tag, layerSize, true);
    }

    /** An OCI index ({@code oci}) or a Docker manifest list over two platforms that share their base layer. */
    public Pushed multiArch(String repository, String tag, int layerSize, boolean oci) {
        Blob base = layer(repository, layerSize, oci);
        Pushed amd64 = image(repository, null, oci, "amd64", List.of(base, layer(repository, layerSize / 2, oci)));
        Pushed arm64 = image(repository, null, oci, "arm64", List.of(base, layer(repository, layerSize / 3, oci)));
        String listType = oci ? MediaTypes.OCI_INDEX : MediaTypes.DOCKER_MANIFEST_LIST;
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + listType + "\",\"manifests\":["
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                .formatted(amd64.mediaType(), amd64.digest(), amd64.size())
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}"
                .formatted(arm64.mediaType(), arm64.digest(), arm64.size())
                + "]}";
        List<Blob> blobs = new ArrayList<>(amd64.blobs());
        arm64.blobs().stream().filter(b -> !blobs.contains(b)).forEach(blobs::add);
        return manifest(repository, tag, listType, json, blobs);
    }

    /** An OCI index whose only entry is itself an index (a multi-arch image). */
    public Pushed nestedIndex(String repository, String tag, int layerSize) {
        Pushed inner = multiArch(repository, null, layerSize);
        String json = ("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\","
                + "\"size\":%d}]}").formatted(MediaTypes.OCI_INDEX, inner.mediaType(), inner.digest(), inner.size());
        return manifest(repository, tag, MediaTypes.OCI_INDEX, json, inner.blobs());
    }

    /** Pushes manifest JSON as it is (e.g. a forged one: the registry checks only that its blobs exist). */
    public Pushed manifest(String repository, String tag, String type, String json, List<Blob> blobs) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Digest digest = registry.putManifest(repository, Digest.of(bytes).toString(), type, bytes);
        if (tag != null) {
            registry.putManifest(repository, tag, type, bytes);
        }
        return new Pushed(digest, type, bytes.length, blobs);
    }

    private Blob push(String repository, byte[] content, String mediaType) {
        Digest d = Digest.of(content);
        registry.pushBlob(repository, d, content.length, () -> new ByteArrayInputStream(content));
        return new Blob(d, content.length, mediaType);
    }
}
