package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;

/**
 * The parts of an {@code admission.k8s.io/v1} request the policy reads.
 *
 * @param object    the new object ({@link MissingNode} on DELETE)
 * @param oldObject the stored object ({@link MissingNode} on CREATE)
 */
public record AdmissionRequest(
        String uid,
        String group,
        String version,
        String kind,
        String namespace,
        String name,
        Operation operation,
        String username,
        List<String> userGroups,
        boolean dryRun,
        JsonNode object,
        JsonNode oldObject) {

    public AdmissionRequest {
        userGroups = List.copyOf(userGroups);
        object = object == null ? MissingNode.getInstance() : object;
        oldObject = oldObject == null ? MissingNode.getInstance() : oldObject;
    }

    /** "kind namespace/name" as a tenant recognises it in a message. */
    public String subject() {
        String shown = name == null || name.isEmpty() ? Fields.text(object, "metadata", "generateName") + "*" : name;
        return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + shown;
    }

    /** The object the rules judge: the new one, or the stored one on DELETE. */
    public JsonNode judged() {
        return operation == Operation.DELETE ? oldObject : object;
    }
}
