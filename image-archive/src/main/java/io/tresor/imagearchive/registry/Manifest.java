package io.tresor.imagearchive.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tresor.imagearchive.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest as the registry served it: the exact bytes (their digest is the manifest's identity), its media type,
 * and what it points at — the platform manifests of an index, or the config and layers of an image.
 */
public record Manifest(Digest digest, String mediaType, byte[] bytes, List<Descriptor> manifests, List<Descriptor> blobs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        bytes = bytes.clone();
        manifests = List.copyOf(manifests);
        blobs = List.copyOf(blobs);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /**
     * Parses manifest bytes.
     *
     * @param contentType the {@code Content-Type} the registry sent, or the media type recorded for it; the body's own
     *                    {@code mediaType} field wins when present (it is optional in OCI)
     * @param where       what this is, for error messages (e.g. {@code registry/repo@sha256:...})
     */
    public static Manifest parse(byte[] bytes, String contentType, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": the manifest is not JSON: " + e.getMessage(), e);
        }
        String mediaType = root.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        }
        if (mediaType.isEmpty() || "application/json".equals(mediaType)) {
            // OCI allows omitting mediaType: an index has "manifests", an image has "layers"
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        Digest digest = Digest.of(bytes);
        if (MediaTypes.isIndex(mediaType)) {
            List<Descriptor> children = new ArrayList<>();
            for (JsonNode m : root.path("manifests")) {
                children.add(descriptor(m, where, true));
            }
            return new Manifest(digest, mediaType, bytes, children, List.of());
        }
        if (MediaTypes.isImage(mediaType)) {
            List<Descriptor> blobs = new ArrayList<>();
            blobs.add(descriptor(root.path("config"), where, false));
            for (JsonNode l : root.path("layers")) {
                blobs.add(descriptor(l, where, false));
            }
            return new Manifest(digest, mediaType, bytes, List.of(), blobs);
        }
        throw new IllegalArgumentException(where + ": manifest media type '" + mediaType + "' is not supported "
                + "(Docker schema 2, Docker manifest list, OCI manifest and OCI index are; schema 1 images must be re-pushed)");
    }

    private static Descriptor descriptor(JsonNode node, String where, boolean withPlatform) {
        if (!node.hasNonNull("digest")) {
            throw new IllegalArgumentException(where + ": a descriptor in the manifest has no digest");
        }
        String platform = null;
        if (withPlatform && node.has("platform")) {
            JsonNode p = node.get("platform");
            platform = p.path("os").asText("") + "/" + p.path("architecture").asText("")
                    + (p.hasNonNull("variant") ? "/" + p.get("variant").asText() : "");
        }
        Digest digest;
        try {
            digest = Digest.parse(node.get("digest").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        // an index entry's size is not used (the platform manifest is fetched by digest, bounded at 4 MiB), so a missing
        // one is tolerated there; a blob's size is what the copy is checked against, so it must be a whole number
        long size = withPlatform ? node.path("size").asLong(-1) : blobSize(node, digest, where);
        return new Descriptor(node.path("mediaType").asText(""), digest, size, platform);
    }

    private static long blobSize(JsonNode node, Digest digest, String where) {
        JsonNode size = node.get("size");
        if (size == null || size.isNull()) {
            throw new IllegalArgumentException(where + ": blob " + digest + " has no \"size\" in the manifest: every OCI "
                    + "descriptor states its blob's size in bytes; the manifest is malformed, re-push the image");
        }
        if (!size.isIntegralNumber() || !size.canConvertToLong()) {
            // asLong() would coerce "12", 1.5 or a 20-digit number into some long; a forged size must not be reinterpreted
            throw new IllegalArgumentException(where + ": blob " + digest + " \"size\" " + size + " is not a whole number of "
                    + "bytes (a JSON integer up to 2^63-1): the manifest is malformed, re-push the image");
        }
        return size.longValue();
    }
}
