package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.KEY_LABEL;
import static io.tresor.webhook.policy.OadpNames.KEY_SECRET_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Keeps an SSE-C key Secret immutable while a storage location uses it: a changed key strands every older backup. */
final class KeySecretRule {

    private static final String ROTATE = "to rotate, create a new Secret and a new NonAdminBackupStorageLocation, and "
            + "keep this one until its backups expire";

    void check(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode old = request.oldObject();
        if (request.operation() == Operation.CREATE || !"true".equals(Fields.label(old, KEY_LABEL))) {
            return;
        }
        String secretName = Fields.text(old, "metadata", "name");
        List<Use> uses = uses(view.nonAdminBackupStorageLocations(request.namespace()), secretName);
        if (uses.isEmpty()) {
            return;
        }
        String users = String.join(", ", uses.stream().map(Use::location).distinct().toList());
        if (request.operation() == Operation.DELETE) {
            findings.deny("Secret " + secretName, "holds the SSE-C key of NonAdminBackupStorageLocation " + users
                    + "; delete that location first (" + ROTATE + ")");
            return;
        }
        JsonNode now = request.object();
        if (!"true".equals(Fields.label(now, KEY_LABEL))) {
            findings.deny("metadata.labels." + KEY_LABEL, "cannot be removed while NonAdminBackupStorageLocation "
                    + users + " uses this Secret's key");
        }
        for (Use use : uses) {
            // compare the encoded values only; they are never copied into a message or a log
            if (!Objects.equals(Fields.at(old, "data", use.key()), Fields.at(now, "data", use.key()))) {
                findings.deny("data." + use.key(), "is the SSE-C key of NonAdminBackupStorageLocation " + use.location()
                        + " and cannot change or be removed: older backups would become unreadable; " + ROTATE);
            }
        }
    }

    private static List<Use> uses(List<JsonNode> locations, String secretName) {
        List<Use> uses = new ArrayList<>();
        for (JsonNode nabsl : locations) {
            JsonNode spec = Fields.at(nabsl, "spec", "backupStorageLocationSpec");
            String reference = Fields.text(spec, "config", KEY_SECRET_FIELD);
            LocationRules.KeyReference.parse(reference)
                    .filter(ref -> ref.secret().equals(secretName))
                    .ifPresent(ref -> uses.add(new Use(Fields.text(nabsl, "metadata", "name"), ref.key())));
        }
        return uses;
    }

    private record Use(String location, String key) {
    }
}
