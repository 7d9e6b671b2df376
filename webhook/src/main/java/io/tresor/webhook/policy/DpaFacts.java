package io.tresor.webhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The DataProtectionApplication settings that change what a NonAdminBackup really does.
 *
 * @param defaultVolumesToFsBackup Velero's server default when a backup leaves the field unset
 * @param defaultSnapshotMoveData  Velero's server default when a backup leaves the field unset
 * @param enforceBackupSpec        {@code spec.nonAdmin.enforceBackupSpec}, filled into fields the tenant left zero
 * @param awsPluginImage           the AWS plugin image the Velero pod runs, "" when unknown
 */
public record DpaFacts(boolean defaultVolumesToFsBackup, boolean defaultSnapshotMoveData, JsonNode enforceBackupSpec,
        String awsPluginImage) {

    public DpaFacts {
        enforceBackupSpec = enforceBackupSpec == null ? MissingNode.getInstance() : enforceBackupSpec;
        awsPluginImage = awsPluginImage == null ? "" : awsPluginImage;
    }

    /** No DPA found: Velero's own defaults (both false). */
    public static DpaFacts none() {
        return new DpaFacts(false, false, MissingNode.getInstance(), "");
    }
}
