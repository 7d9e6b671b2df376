package io.tresor.actions.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.imagearchive.Digest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the capture does with each {@code status.tags[].items[]} entry of an ImageStream; pure, no I/O.
 *
 * <p>Only images in the internal registry under the ImageStream's own namespace are copied, and they are pulled
 * through the ImageStream's own repository: the registry authorizes that path by the ImageStream, so a tenant
 * can never make the Velero service account copy another namespace's images. Everything else is a reference.
 */
public record CapturePlan(String namespace, String name, List<Tag> tags) {
    /** The annotation with which a tenant opts an ImageStream out of image copying (as in the OpenShift plugin). */
    public static final String SKIP_ANNOTATION = "openshift.io/skip-image-copy";

    /** What to do with one history item. */
    public enum Decision { COPY, REFERENCE, SKIP }

    /** One history item and the decision about it; {@code image} is null when the item has no valid digest. */
    public record Item(String created, String dockerImageReference, Digest image, Decision decision, String reason) {
    }

    /** One tag with its history, newest first as in the API. */
    public record Tag(String tag, List<Item> items) {
        public Tag {
            items = List.copyOf(items);
        }
    }

    public CapturePlan {
        tags = List.copyOf(tags);
    }

    /** @param registryHost the internal registry's {@code host[:port]} */
    public static CapturePlan of(ObjectNode imageStream, String registryHost) {
        String namespace = imageStream.path("metadata").path("namespace").asText();
        String name = imageStream.path("metadata").path("name").asText();
        boolean optedOut = "true".equalsIgnoreCase(imageStream.path("metadata").path("annotations").path(SKIP_ANNOTATION).asText());
        String ownRepository = registryHost + "/" + namespace + "/";
        List<Tag> tags = new ArrayList<>();
        for (JsonNode tag : imageStream.path("status").path("tags")) {
            List<Item> items = new ArrayList<>();
            for (JsonNode item : tag.path("items")) {
                String ref = item.path("dockerImageReference").asText("");
                String created = item.path("created").asText(null);
                Digest digest = digest(item.path("image").asText(""));
                Decision decision;
                String reason = null;
                if (!ref.startsWith(registryHost + "/")) {
                    decision = Decision.REFERENCE;
                    reason = "external image, restored as a reference";
                } else if (!ref.startsWith(ownRepository)) {
                    decision = Decision.REFERENCE;
                    reason = "another namespace's repository, restored as a reference and never copied";
                } else if (digest == null) {
                    decision = Decision.SKIP;
                    reason = "the item has no sha256 image digest";
                } else if (optedOut) {
                    decision = Decision.SKIP;
                    reason = "ImageStream annotated " + SKIP_ANNOTATION + "=true";
                } else {
                    decision = Decision.COPY;
                }
                items.add(new Item(created, ref, digest, decision, reason));
            }
            tags.add(new Tag(tag.path("tag").asText(), items));
        }
        return new CapturePlan(namespace, name, tags);
    }

    /** The ImageStream's own repository in the internal registry, {@code namespace/name}. */
    public String repository() {
        return namespace + "/" + name;
    }

    /** Distinct images to copy, in the order they first appear. */
    public Set<Digest> imagesToCopy() {
        Set<Digest> out = new LinkedHashSet<>();
        tags.forEach(t -> t.items().stream().filter(i -> i.decision() == Decision.COPY).forEach(i -> out.add(i.image())));
        return out;
    }

    private static Digest digest(String text) {
        try {
            return text.isEmpty() ? null : Digest.parse(text);
        } catch (IllegalArgumentException notADigest) {
            return null;
        }
    }
}
