package io.tresor.plugin.testkit.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceIdentifier;
import io.tresor.plugin.api.ResourceSelector;

import java.util.List;

/** v1: annotates pods with the backup's name and asks for their first PVC as an additional item. */
final class AnnotateAction implements BackupItemAction {
    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("pods").inNamespaces("shop").withLabelSelector("app=web");
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) throws ActionException {
        ObjectNode item = request.item();
        ObjectNode meta = item.with("metadata");
        String backupName = request.backup().path("metadata").path("name").asText("");
        if (backupName.isEmpty()) {
            throw new ActionException("backup has no metadata.name");
        }
        meta.with("annotations").put("tresor.io/test-backup", backupName);
        String claim = item.path("spec").path("volumes").path(0).path("persistentVolumeClaim").path("claimName").asText("");
        List<ResourceIdentifier> extra = claim.isEmpty() ? List.of()
                : List.of(ResourceIdentifier.core("persistentvolumeclaims", meta.path("namespace").asText(), claim));
        return BackupItemResult.of(item).withAdditionalItems(extra);
    }
}
