package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.NABSL_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NABSL_ORIGIN_UUID;
import static io.tresor.webhook.policy.OadpNames.NAB_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NAB_ORIGIN_UUID;
import static io.tresor.webhook.policy.OadpNames.NAR_ORIGIN_NAMESPACE;
import static io.tresor.webhook.policy.OadpNames.NAR_ORIGIN_UUID;
import static io.tresor.webhook.policy.OadpNames.VELERO_STORAGE_LOCATION_LABEL;

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
        // Velero's backup-sync sets the location label and copies the finished status from the bucket
        if (config.trusted(request.username()) && !Fields.label(backup, VELERO_STORAGE_LOCATION_LABEL).isEmpty()
                && Fields.isSet(backup, "status", "phase")) {
            syncedBackup(backup, view, findings);
            return;
        }
        if (Fields.label(backup, NAB_ORIGIN_UUID).isEmpty()) {
            return;
        }
        String location = Fields.text(backup, "spec", "storageLocation");
        String origin = Fields.annotation(backup, NAB_ORIGIN_NAMESPACE);
        Optional<JsonNode> defaultBsl = view.defaultBackupStorageLocation();
        if (location.isEmpty() || isDefault(location, defaultBsl)) {
            Findings defaults = new Findings();
            defaultBsl.ifPresent(bsl -> locations.adminLocation(Fields.at(bsl, "spec"), "spec", defaults));
            if (!config.allowDefaultStorageLocation() || defaultBsl.isEmpty() || defaults.denied()) {
                findings.deny("spec.storageLocation", "a backup for tenant namespace " + origin + " must name its "
                        + "own storage location" + (location.isEmpty() ? "" : ", not the default '" + location + "'")
                        + "; Velero would otherwise use the default location without the tenant's SSE-C key");
            }
            return;
        }
        // the controller only ever names the Velero BSL of the tenant's own NABSL, so anything else fails closed
        Optional<JsonNode> bsl = view.backupStorageLocation(location);
        if (bsl.isEmpty()) {
            findings.deny("spec.storageLocation", "location '" + location + "' is not a BackupStorageLocation in "
                    + config.oadpNamespace() + " (or not seen yet), so its owner is unknown; the controller retries: "
                    + "make sure the NonAdminBackupStorageLocation of namespace " + origin + " is Available");
        } else if (!tenantLocation(bsl.get())) {
            findings.deny("spec.storageLocation", "location '" + location + "' is an admin location and not the "
                    + "default; a backup for tenant namespace " + origin + " must use one of that namespace's "
                    + "NonAdminBackupStorageLocations");
        } else if (originNamespace(bsl.get()).isEmpty()) {
            findings.deny("spec.storageLocation", "location '" + location + "' carries " + NABSL_ORIGIN_UUID
                    + " but no " + NABSL_ORIGIN_NAMESPACE + " annotation, so its tenant is unknown; let the "
                    + "non-admin controller recreate it from its NonAdminBackupStorageLocation");
        } else if (!originNamespace(bsl.get()).equals(origin)) {
            findings.deny("spec.storageLocation", "location '" + location + "' belongs to tenant namespace "
                    + originNamespace(bsl.get()) + ", not to " + origin);
        }
    }

    /**
     * Velero's backup-sync re-creating a Backup from a bucket. Its labels and annotations are whatever the bucket holds,
     * and a tenant writes its own bucket, so the owner of the location (not the annotation) decides whose backup it is.
     * The default-location rule is skipped: it governs new backups, and this one exists already.
     */
    private void syncedBackup(JsonNode backup, ClusterView view, Findings findings) {
        String name = Fields.text(backup, "metadata", "name");
        String location = Fields.text(backup, "spec", "storageLocation");
        String origin = Fields.annotation(backup, NAB_ORIGIN_NAMESPACE);
        String remove = "; remove backups/" + name + " from the bucket of location '" + location + "'";
        Optional<JsonNode> bsl = location.isEmpty() ? Optional.empty() : view.backupStorageLocation(location);
        if (bsl.isEmpty()) {
            findings.deny("spec.storageLocation", "backup-sync names location '" + location + "', which is not a "
                    + "BackupStorageLocation in " + config.oadpNamespace() + " (or not seen yet), so the bucket's owner "
                    + "is unknown; Velero retries on its next sync once the location is visible");
            return;
        }
        if (tenantLocation(bsl.get())) {
            String owner = originNamespace(bsl.get());
            if (owner.isEmpty() || !owner.equals(origin)) {
                findings.deny("metadata.annotations." + NAB_ORIGIN_NAMESPACE, "the backup was found in the bucket of "
                        + "location '" + location + "' of " + (owner.isEmpty() ? "an unknown tenant (no "
                        + NABSL_ORIGIN_NAMESPACE + ")" : "tenant namespace '" + owner + "'") + ", but "
                        + (origin.isEmpty() ? "does not name that namespace" : "names namespace '" + origin + "'")
                        + "; a tenant's bucket may only hold that tenant's own backups, so this one may have been written "
                        + "there to reach another namespace" + remove);
            }
            return;
        }
        boolean fromTenant = !origin.isEmpty() || !Fields.label(backup, NAB_ORIGIN_UUID).isEmpty();
        if (fromTenant && !isDefault(location, view.defaultBackupStorageLocation())) {
            findings.deny("spec.storageLocation", "a backup of tenant namespace '" + origin + "' was found in admin "
                    + "location '" + location + "', which is neither that namespace's own nor the default, the only "
                    + "places the non-admin controller writes its backups" + remove + ", or drop its NAB "
                    + "origin label and annotations there to keep it as an admin backup");
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

    /** A location the non-admin controller made from a NABSL (either of its origin marks is enough). */
    private static boolean tenantLocation(JsonNode bsl) {
        return !Fields.label(bsl, NABSL_ORIGIN_UUID).isEmpty() || !originNamespace(bsl).isEmpty();
    }

    private static boolean isDefault(String location, Optional<JsonNode> defaultBsl) {
        return defaultBsl.isPresent() && location.equals(Fields.text(defaultBsl.get(), "metadata", "name"));
    }

    private static String originNamespace(JsonNode object) {
        return Fields.annotation(object, NABSL_ORIGIN_NAMESPACE);
    }
}
