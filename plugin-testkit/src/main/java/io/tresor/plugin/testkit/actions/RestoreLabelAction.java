package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.ResourceIdentifier;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;

import java.util.List;

/** v1 restore: labels the item with the restore's name, restores its secret first, skips items marked to skip. */
final class RestoreLabelAction implements RestoreItemAction {
    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("configmaps", "secrets");
    }

    @Override
    public RestoreItemResult execute(RestoreItemRequest request) throws ActionException {
        if (request.itemFromBackup().path("metadata").path("annotations").has("tresor.io/test-skip")) {
            return RestoreItemResult.skip();
        }
        String restore = request.restore().path("metadata").path("name").asText("");
        request.item().with("metadata").with("labels").put("tresor.io/restored-by", restore);
        String ns = request.item().path("metadata").path("namespace").asText();
        return RestoreItemResult.of(request.item())
                .withAdditionalItems(List.of(ResourceIdentifier.core("secrets", ns, "app-secret")));
    }
}
