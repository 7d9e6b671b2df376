package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** Rules for a Velero BackupSpec written by a tenant (NonAdminBackup and NonAdminSchedule templates). */
final class BackupSpecRules {

    static final String KOPIA_WARNING = "volume data uploaded via Kopia is encrypted with the cluster's repository key, "
            + "not your SSE-C key";

    private final PolicyConfig config;
    private final LocationRules locations;

    BackupSpecRules(PolicyConfig config, LocationRules locations) {
        this.config = config;
        this.locations = locations;
    }

    void check(JsonNode spec, String prefix, String namespace, ClusterView view, Findings findings) {
        storageLocation(spec, prefix, namespace, view, findings);
        NamespaceScope.onlyOwn(Fields.strings(spec, "includedNamespaces"), prefix + ".includedNamespaces", namespace,
                findings);
        if (Fields.isSet(spec, "excludedNamespaces")) {
            findings.deny(prefix + ".excludedNamespaces", "must be empty: a tenant backup covers only namespace "
                    + namespace + "; remove the field");
        }
        if (Fields.isTrue(spec, "includeClusterResources")) {
            findings.deny(prefix + ".includeClusterResources", "must not be true: tenants cannot back up cluster-scoped "
                    + "resources; remove it or set false");
        }
        if (Fields.isSet(spec, "includedClusterScopedResources")) {
            findings.deny(prefix + ".includedClusterScopedResources", "must be empty: tenants cannot back up "
                    + "cluster-scoped resources; remove the field");
        }
        if (Fields.isSet(spec, "volumeSnapshotLocations")) {
            findings.deny(prefix + ".volumeSnapshotLocations", "must be empty: volume snapshot locations are "
                    + "admin-owned; remove the field");
        }
        resourcePolicy(spec, prefix, findings);
        hooks(spec, prefix, namespace, findings);
        volumeData(spec, prefix, view.dpa(), findings);
    }

    /** A NonAdminBackup synced from a bucket: an empty location is the default BSL the backup was found in. */
    void syncedStorageLocation(JsonNode spec, String prefix, String namespace, ClusterView view, Findings findings) {
        if (!Fields.text(spec, "storageLocation").isEmpty()) {
            storageLocation(spec, prefix, namespace, view, findings);
        }
    }

    private void storageLocation(JsonNode spec, String prefix, String namespace, ClusterView view, Findings findings) {
        String field = prefix + ".storageLocation";
        String name = Fields.text(spec, "storageLocation");
        if (name.isEmpty()) {
            defaultLocation(field, namespace, view, findings);
            return;
        }
        Optional<JsonNode> nabsl = view.nonAdminBackupStorageLocation(namespace, name);
        if (nabsl.isEmpty()) {
            findings.deny(field, "no NonAdminBackupStorageLocation '" + name + "' exists in namespace " + namespace
                    + "; create it first or name an existing one (`oc get nabsl -n " + namespace + "`)");
            return;
        }
        Findings location = new Findings();
        locations.tenantLocation(Fields.at(nabsl.get(), "spec", "backupStorageLocationSpec"),
                "spec.backupStorageLocationSpec", namespace, view, location);
        if (location.denied()) {
            String reason = location.decide("NonAdminBackupStorageLocation " + namespace + "/" + name).message();
            findings.deny(field, "location '" + name + "' does not encrypt with your own SSE-C key (" + reason
                    + "); fix the location first");
        }
    }

    private void defaultLocation(String field, String namespace, ClusterView view, Findings findings) {
        String fix = "set it to a NonAdminBackupStorageLocation of namespace " + namespace
                + " that encrypts with your SSE-C key";
        if (!config.allowDefaultStorageLocation()) {
            findings.deny(field, "is empty, so Velero would use the admin's default location without your SSE-C key; "
                    + fix);
            return;
        }
        Optional<JsonNode> defaultBsl = view.defaultBackupStorageLocation();
        if (defaultBsl.isEmpty()) {
            findings.deny(field, "is empty and the cluster has no default storage location; " + fix);
            return;
        }
        Findings location = new Findings();
        locations.adminLocation(Fields.at(defaultBsl.get(), "spec"), "spec", location);
        if (location.denied()) {
            findings.deny(field, "is empty and the default storage location is not SSE-C encrypted; " + fix);
        }
    }

    private void resourcePolicy(JsonNode spec, String prefix, Findings findings) {
        String name = Fields.text(spec, "resourcePolicy", "name");
        if (!Fields.isSet(spec, "resourcePolicy")) {
            return;
        }
        if (!config.allowedResourcePolicies().contains(name)) {
            findings.deny(prefix + ".resourcePolicy", "'" + name + "' is not an allowed resource policy; use one of "
                    + listed(config.allowedResourcePolicies()) + " or remove the field");
        }
    }

    private static void hooks(JsonNode spec, String prefix, String namespace, Findings findings) {
        JsonNode resources = Fields.at(spec, "hooks", "resources");
        for (int i = 0; i < resources.size(); i++) {
            NamespaceScope.onlyOwn(Fields.strings(resources.get(i), "includedNamespaces"),
                    prefix + ".hooks.resources[" + i + "].includedNamespaces", namespace, findings);
            if (Fields.isSet(resources.get(i), "excludedNamespaces")) {
                findings.deny(prefix + ".hooks.resources[" + i + "].excludedNamespaces", "must be empty for a tenant hook");
            }
        }
    }

    private void volumeData(JsonNode spec, String prefix, DpaFacts dpa, Findings findings) {
        if (config.volumeDataUpload() == VolumeDataUpload.Allow) {
            return;
        }
        String fsField = prefix + ".defaultVolumesToFsBackup";
        String moveField = prefix + ".snapshotMoveData";
        boolean fs = effective(spec, dpa, "defaultVolumesToFsBackup", dpa.defaultVolumesToFsBackup());
        boolean move = effective(spec, dpa, "snapshotMoveData", dpa.defaultSnapshotMoveData());
        String field = fs ? fsField : moveField;
        if (!fs && !move) {
            return;
        }
        String origin = Fields.isTrue(spec, fs ? "defaultVolumesToFsBackup" : "snapshotMoveData")
                ? "" : " (set by the cluster's DPA defaults)";
        if (config.volumeDataUpload() == VolumeDataUpload.Deny) {
            findings.deny(field, KOPIA_WARNING + origin + "; this cluster refuses such backups: set it to false "
                    + "(CSI snapshots stay in the storage system)");
        } else {
            findings.warn(field, KOPIA_WARNING + origin);
        }
    }

    /** What Velero will really use: the tenant's true, else the admin-enforced value, else the server default. */
    private static boolean effective(JsonNode spec, DpaFacts dpa, String field, boolean serverDefault) {
        JsonNode own = Fields.at(spec, field);
        if (Fields.isTrue(spec, field)) {
            return true;
        }
        if (Fields.isTrue(dpa.enforceBackupSpec(), field)) {
            return true;
        }
        return own.isMissingNode() || own.isNull() ? serverDefault : false;
    }

    static String listed(List<String> names) {
        return names.isEmpty() ? "none (this cluster allows none)" : String.join(", ", names);
    }
}
