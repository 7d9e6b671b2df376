package io.tresor.webhook.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.webhook.policy.DpaFacts;
import io.tresor.webhook.policy.Fields;

/** Extracts {@link DpaFacts} from a DataProtectionApplication and, when it has no override, the Velero deployment. */
public final class DpaReader {

    private DpaReader() {
    }

    /**
     * @param dpa            the DataProtectionApplication, or a missing node
     * @param veleroPodSpec  the Velero deployment's pod spec (init containers carry plugin images), or a missing node
     */
    public static DpaFacts read(JsonNode dpa, JsonNode veleroPodSpec) {
        JsonNode velero = Fields.at(dpa, "spec", "configuration", "velero");
        String image = Fields.text(dpa, "spec", "unsupportedOverrides", "awsPluginImageFqin");
        if (image.isEmpty()) {
            for (JsonNode container : Fields.at(veleroPodSpec, "initContainers")) {
                String candidate = Fields.text(container, "image");
                if (candidate.contains("plugin-for-aws")) {
                    image = candidate;
                }
            }
        }
        return new DpaFacts(Fields.isTrue(velero, "defaultVolumesToFSBackup"),
                Fields.isTrue(velero, "defaultSnapshotMoveData"),
                Fields.at(dpa, "spec", "nonAdmin", "enforceBackupSpec"), image);
    }
}
