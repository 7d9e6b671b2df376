package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Requests that must always pass so that OADP's own controllers and clean-ups never break. */
final class OadpAllowances {

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
        // objects synced from a bucket are not passed here: a tenant writes that bucket (see VeleroRules, TenantRules)
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
