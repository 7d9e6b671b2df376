package io.tresor.webhook.policy;

import static io.tresor.webhook.policy.OadpNames.OADP_GROUP;
import static io.tresor.webhook.policy.OadpNames.VELERO_GROUP;

/** The validating policy: one admission request and a view of the cluster in, one {@link Decision} out. No I/O. */
public final class TenantPolicy {

    private final PolicyConfig config;
    private final OadpAllowances allowances;
    private final TenantRules tenantRules;
    private final VeleroRules veleroRules;
    private final KeySecretRule keySecretRule;

    public TenantPolicy(PolicyConfig config) {
        this.config = config;
        LocationRules locations = new LocationRules(config);
        this.allowances = new OadpAllowances();
        this.tenantRules = new TenantRules(config, locations);
        this.veleroRules = new VeleroRules(config, locations);
        this.keySecretRule = new KeySecretRule(config);
    }

    public PolicyConfig config() {
        return config;
    }

    public Decision decide(AdmissionRequest request, ClusterView view) {
        Findings findings = new Findings();
        if (request.group().isEmpty() && OadpNames.SECRET.equals(request.kind())) {
            keySecretRule.check(request, view, findings);
            return findings.decide(request.subject());
        }
        if (allowances.reason(request) != null) {
            return Decision.allow();
        }
        if (OADP_GROUP.equals(request.group())) {
            tenant(request, view, findings);
        } else if (VELERO_GROUP.equals(request.group())) {
            velero(request, view, findings);
        }
        return findings.decide(request.subject());
    }

    private void tenant(AdmissionRequest request, ClusterView view, Findings findings) {
        switch (request.kind()) {
            case OadpNames.NON_ADMIN_BACKUP -> tenantRules.nonAdminBackup(request, view, findings);
            case OadpNames.NON_ADMIN_SCHEDULE -> tenantRules.nonAdminSchedule(request, view, findings);
            case OadpNames.NON_ADMIN_RESTORE -> tenantRules.nonAdminRestore(request, view, findings);
            case OadpNames.NON_ADMIN_BSL -> tenantRules.nonAdminBackupStorageLocation(request, view, findings);
            default -> {
                // other oadp kinds (requests, download requests, DPA) are not tenant data paths
            }
        }
    }

    private void velero(AdmissionRequest request, ClusterView view, Findings findings) {
        if (!config.oadpNamespace().equals(request.namespace())) {
            return;
        }
        boolean create = request.operation() == Operation.CREATE;
        switch (request.kind()) {
            case OadpNames.BSL -> veleroRules.backupStorageLocation(request, findings);
            case OadpNames.BACKUP -> {
                if (create) {
                    veleroRules.backup(request, view, findings);
                }
            }
            case OadpNames.RESTORE -> {
                if (create) {
                    veleroRules.restore(request, view, findings);
                }
            }
            default -> {
                // Velero's other kinds carry no tenant choice
            }
        }
    }
}
