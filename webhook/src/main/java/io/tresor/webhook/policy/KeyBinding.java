package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.KEY_SECRET_FIELD;
import static io.tresor.webhook.policy.OadpNames.NABSL_ORIGIN_UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The mutating step: on a Velero BSL that the non-admin controller created, points
 * {@code customerKeyEncryptionSecret} at the synced copy of the tenant's Secret (named in {@code spec.credential}).
 */
public final class KeyBinding {

    private final PolicyConfig config;

    public KeyBinding(PolicyConfig config) {
        this.config = config;
    }

    /** The JSONPatch to apply, or empty when the object needs no change. */
    public Optional<ArrayNode> patch(AdmissionRequest request) {
        if (!OadpNames.VELERO_GROUP.equals(request.group()) || !OadpNames.BSL.equals(request.kind())
                || request.operation() == Operation.DELETE || request.operation() == Operation.CONNECT
                || !config.oadpNamespace().equals(request.namespace())
                || Fields.label(request.object(), NABSL_ORIGIN_UUID).isEmpty()
                || config.keySource() != KeySource.secret) {
            return Optional.empty();
        }
        JsonNode spec = Fields.at(request.object(), "spec");
        String credential = Fields.text(spec, "credential", "name");
        Optional<LocationRules.KeyReference> ref =
                LocationRules.KeyReference.parse(Fields.text(spec, "config", KEY_SECRET_FIELD));
        if (credential.isEmpty() || ref.isEmpty() || ref.get().key().isEmpty() || ref.get().secret().equals(credential)) {
            // nothing to bind; /validate explains what is wrong with such a location
            return Optional.empty();
        }
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        ObjectNode op = patch.addObject();
        op.put("op", "replace");
        op.put("path", "/spec/config/" + KEY_SECRET_FIELD);
        op.put("value", credential + "/" + ref.get().key());
        return Optional.of(patch);
    }
}
