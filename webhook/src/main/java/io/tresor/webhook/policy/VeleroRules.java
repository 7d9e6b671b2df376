package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.NABSL_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NABSL_ORIGIN_UUID;
import static io.tresor.webhook.policy.OadpNames.NAB_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NAB_ORIGIN_UUID;
import static io.tresor.webhook.policy.OadpNames.NAR_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NAR_ORIGIN_UUID;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Defence in depth on the Velero objects the non-admin controller creates in the OADP namespace. */
final class VeleroRules {

    private final PolicyConfig config;
    private final LocationRules locations;

    VeleroRules(PolicyConfig config, LocationRules locations) {
        this.config = config;
        this.locations = locations;
    }

    void backupStorageLocation(AdmissionRequest request, Findings findings) {
        JsonNode bsl = request.object();
        JsonNode spec = Fields.at(bsl, "spec");
        if (!Fields.label(bsl, NABSL_ORIGIN_UUID).isEmpty()) {
            locations.controllerLocation(spec, originNamespace(bsl), findings);
        } else if (config.requireSseCForAllLocations()) {
            locations.adminLocation(spec, "spec", findings);
        }
    }

    void backup(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode backup = request.object();
        if (Fields.label(backup, NAB_ORIGIN_UUID).isEmpty()) {
            return;
        }
        String location = Fields.text(backup, "spec", "storageLocation");
        String origin = Fields.annotation(backup, NAB_ORIGIN_NAMESPACE);
        if (location.isEmpty()) {
            Optional<JsonNode> defaultBsl = view.defaultBackupStorageLocation();
            Findings defaults = new Findings();
            defaultBsl.ifPresent(bsl -> locations.adminLocation(Fields.at(bsl, "spec"), "spec", defaults));
            if (!config.allowDefaultStorageLocation() || defaultBsl.isEmpty() || defaults.denied()) {
                findings.deny("spec.storageLocation", "a backup for tenant namespace " + origin + " must name its "
                        + "storage location; Velero would otherwise use the default location without the tenant's "
                        + "SSE-C key");
            }
            return;
        }
        Optional<JsonNode> bsl = view.backupStorageLocation(location);
        if (bsl.isPresent() && !Fields.label(bsl.get(), NABSL_ORIGIN_UUID).isEmpty()
                && !originNamespace(bsl.get()).isEmpty() && !originNamespace(bsl.get()).equals(origin)) {
            findings.deny("spec.storageLocation", "location '" + location + "' belongs to tenant namespace "
                    + originNamespace(bsl.get()) + ", not to " + origin);
        }
    }

    void restore(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode restore = request.object();
        if (Fields.label(restore, NAR_ORIGIN_UUID).isEmpty()) {
            return;
        }
        String origin = Fields.annotation(restore, NAR_ORIGIN_NAMESPACE);
        String backupName = Fields.text(restore, "spec", "backupName");
        Optional<JsonNode> backup = view.veleroBackup(backupName);
        if (backup.isEmpty()) {
            findings.deny("spec.backupName", "Velero Backup '" + backupName + "' does not exist in "
                    + config.oadpNamespace());
            return;
        }
        String backupOrigin = Fields.annotation(backup.get(), NAB_ORIGIN_NAMESPACE);
        if (origin.isEmpty() || !origin.equals(backupOrigin)) {
            findings.deny("spec.backupName", "Velero Backup '" + backupName + "' belongs to namespace '" + backupOrigin
                    + "', but this restore comes from namespace '" + origin + "'");
        }
    }

    private static String originNamespace(JsonNode object) {
        return Fields.annotation(object, NABSL_ORIGIN_NAMESPACE);
    }
}
