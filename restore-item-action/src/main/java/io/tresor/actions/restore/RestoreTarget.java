package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how an ImageStream is recreated; pure. The target namespace follows the Restore's
 * {@code spec.namespaceMapping} (Velero remaps only after the actions ran, so the action must apply it itself).
 */
record RestoreTarget(String sourceNamespace, String namespace, String name) {

    static RestoreTarget of(ObjectNode itemFromBackup, ObjectNode restore) {
        String source = itemFromBackup.path("metadata").path("namespace").asText();
        String name = itemFromBackup.path("metadata").path("name").asText();
        JsonNode mapped = restore.path("spec").path("namespaceMapping").path(source);
        return new RestoreTarget(source, mapped.isTextual() && !mapped.asText().isBlank() ? mapped.asText() : source, name);
    }

    /** The ImageStream's repository in the target registry. */
    String repository() {
        return namespace + "/" + name;
    }

    /**
     * The ImageStream to create from the object Velero prepared (status and server fields already removed): in the
     * target namespace, without tresor's bookkeeping annotations, spec tags that point into the source namespace
     * pointing into the target namespace.
     */
    ObjectNode imageStream(ObjectNode prepared) {
        ObjectNode is = prepared.deepCopy();
        is.remove("status");
        ObjectNode metadata = is.withObjectProperty("metadata");
        metadata.put("namespace", namespace);
        JsonNode annotations = metadata.path("annotations");
        if (annotations instanceof ObjectNode a) {
            List<String> ours = new ArrayList<>();
            a.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("tresor.io/")) {
                    ours.add(k);
                }
            });
            a.remove(ours);
            if (a.isEmpty()) {
                metadata.remove("annotations");
            }
        }
        for (JsonNode tag : is.path("spec").path("tags")) {
            JsonNode from = tag.path("from");
            if (from instanceof ObjectNode f && sourceNamespace.equals(f.path("namespace").asText())) {
                f.put("namespace", namespace);
            }
        }
        return is;
    }
}
