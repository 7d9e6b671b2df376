package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.NAB_SYNCED_FROM;

import com.fasterxml.jackson.databind.JsonNode;

/** Rules for the tenant kinds of {@code oadp.openshift.io/v1alpha1}. */
final class TenantRules {

    private final PolicyConfig config;
    private final LocationRules locations;
    private final BackupSpecRules backupSpecs;

    TenantRules(PolicyConfig config, LocationRules locations) {
        this.config = config;
        this.locations = locations;
        this.backupSpecs = new BackupSpecRules(config, locations);
    }

    void nonAdminBackup(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode spec = Fields.at(request.object(), "spec", "backupSpec");
        if (config.trusted(request.username()) && !Fields.label(request.object(), NAB_SYNCED_FROM).isEmpty()) {
            // the controller copies the spec of a Velero Backup found in a bucket: the data exists, but the location
            // it names must still be this namespace's own (the bucket content, hence the namespace, is tenant-written)
            backupSpecs.syncedStorageLocation(spec, "spec.backupSpec", request.namespace(), view, findings);
            return;
        }
        if (!spec.isObject()) {
            findings.deny("spec.backupSpec", "is required: set storageLocation to your NonAdminBackupStorageLocation");
            return;
        }
        backupSpecs.check(spec, "spec.backupSpec", request.namespace(), view, findings);
    }

    void nonAdminSchedule(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode spec = Fields.at(request.object(), "spec", "template", "backupSpec");
        if (!spec.isObject()) {
            findings.deny("spec.template.backupSpec", "is required: set storageLocation to your "
                    + "NonAdminBackupStorageLocation");
            return;
        }
        backupSpecs.check(spec, "spec.template.backupSpec", request.namespace(), view, findings);
    }

    void nonAdminRestore(AdmissionRequest request, ClusterView view, Findings findings) {
        String ns = request.namespace();
        String prefix = "spec.restoreSpec";
        JsonNode spec = Fields.at(request.object(), "spec", "restoreSpec");
        String backup = Fields.text(spec, "backupName");
        if (backup.isEmpty()) {
            findings.deny(prefix + ".backupName", "is required: name a NonAdminBackup of namespace " + ns);
        } else if (view.nonAdminBackup(ns, backup).isEmpty()) {
            findings.deny(prefix + ".backupName", "no NonAdminBackup '" + backup + "' exists in namespace " + ns
                    + "; name one of `oc get nab -n " + ns + "`");
        }
        if (Fields.isSet(spec, "namespaceMapping")) {
            findings.deny(prefix + ".namespaceMapping", "must be empty: a tenant restores only into namespace " + ns
                    + "; remove the field");
        }
        NamespaceScope.onlyOwn(Fields.strings(spec, "includedNamespaces"), prefix + ".includedNamespaces", ns, findings);
        if (Fields.isSet(spec, "excludedNamespaces")) {
            findings.deny(prefix + ".excludedNamespaces", "must be empty; remove the field");
        }
        if (Fields.isSet(spec, "scheduleName")) {
            findings.deny(prefix + ".scheduleName", "must be empty: restore from a NonAdminBackup with backupName");
        }
        if (Fields.isTrue(spec, "includeClusterResources")) {
            findings.deny(prefix + ".includeClusterResources", "must not be true: tenants cannot restore cluster-scoped "
                    + "resources; remove it or set false");
        }
        if (Fields.isSet(spec, "resourceModifier")) {
            String name = Fields.text(spec, "resourceModifier", "name");
            if (!config.allowedResourceModifiers().contains(name)) {
                findings.deny(prefix + ".resourceModifier", "'" + name + "' is not an allowed resource modifier; use one "
                        + "of " + BackupSpecRules.listed(config.allowedResourceModifiers()) + " or remove the field");
            }
        }
        JsonNode hooks = Fields.at(spec, "hooks", "resources");
        for (int i = 0; i < hooks.size(); i++) {
            NamespaceScope.onlyOwn(Fields.strings(hooks.get(i), "includedNamespaces"),
                    prefix + ".hooks.resources[" + i + "].includedNamespaces", ns, findings);
        }
    }

    void nonAdminBackupStorageLocation(AdmissionRequest request, ClusterView view, Findings findings) {
        JsonNode spec = Fields.at(request.object(), "spec", "backupStorageLocationSpec");
        if (!spec.isObject()) {
            findings.deny("spec.backupStorageLocationSpec", "is required: provider aws with an SSE-C key");
            return;
        }
        locations.tenantLocation(spec, "spec.backupStorageLocationSpec", request.namespace(), view, findings);
    }
}
