package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.NAB_SYNCED_FROM;
import static io.tresor.webhook.policy.OadpNames.VELERO_STORAGE_LOCATION_LABEL;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Requests that must always pass so that OADP's own controllers and clean-ups never break. */
final class OadpAllowances {

    private final PolicyConfig config;

    OadpAllowances(PolicyConfig config) {
        this.config = config;
    }

    /** The reason a request is admitted without judging it, or null when it must be judged. */
    String reason(AdmissionRequest request) {
        if (request.operation() == Operation.DELETE || request.operation() == Operation.CONNECT) {
            return "deletions are never blocked";
        }
        if (request.operation() == Operation.UPDATE) {
            JsonNode spec = Fields.at(request.object(), "spec");
            JsonNode oldSpec = Fields.at(request.oldObject(), "spec");
            if (spec.equals(oldSpec)) {
                return "the spec did not change (status or metadata update)";
            }
            if (OadpNames.NON_ADMIN_BACKUP.equals(request.kind()) && onlyRequestsDeletion(spec, oldSpec)) {
                return "the change only sets deleteBackup: true";
            }
        }
        JsonNode object = request.object();
        if (config.trusted(request.username())) {
            if (!Fields.label(object, NAB_SYNCED_FROM).isEmpty()) {
                return "NonAdminBackup synced from a bucket by the non-admin controller";
            }
            if (OadpNames.BACKUP.equals(request.kind()) && !Fields.label(object, VELERO_STORAGE_LOCATION_LABEL).isEmpty()
                    && Fields.isSet(object, "status", "phase")) {
                return "Velero backup-sync of an existing backup";
            }
        }
        return null;
    }

    private static boolean onlyRequestsDeletion(JsonNode spec, JsonNode oldSpec) {
        if (!spec.isObject() || !oldSpec.isObject() || !Fields.isTrue(spec, "deleteBackup")) {
            return false;
        }
        ObjectNode now = ((ObjectNode) spec).deepCopy();
        ObjectNode before = ((ObjectNode) oldSpec).deepCopy();
        now.remove("deleteBackup");
        before.remove("deleteBackup");
        return now.equals(before);
    }
}
