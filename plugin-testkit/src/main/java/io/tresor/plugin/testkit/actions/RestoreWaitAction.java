package io.tresor.plugin.testkit.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.OperationProgress;
import io.tresor.plugin.api.ResourceIdentifier;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** v2 restore: an operation, a wait for its additional items (ready when named {@code ready-*}). */
final class RestoreWaitAction implements RestoreItemAction {
    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreams.image.openshift.io");
    }

    @Override
    public RestoreItemResult execute(RestoreItemRequest request) {
        String ns = request.item().path("metadata").path("namespace").asText();
        String name = request.item().path("metadata").path("name").asText();
        return RestoreItemResult.unchanged()
                .withAdditionalItems(List.of(ResourceIdentifier.core("secrets", ns, "ready-" + name)))
                .withOperation("restore-op-" + name)
                .waitingForAdditionalItems(Duration.ofSeconds(90));
    }

    @Override
    public OperationProgress progress(String operationId, ObjectNode restore) {
        return OperationProgress.succeeded("restored " + operationId, Instant.EPOCH.plusSeconds(1), null);
    }

    @Override
    public boolean areAdditionalItemsReady(List<ResourceIdentifier> items, ObjectNode restore) {
        return items.stream().allMatch(i -> i.name().startsWith("ready-"));
    }
}
