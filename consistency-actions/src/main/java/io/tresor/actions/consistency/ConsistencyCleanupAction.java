package io.tresor.actions.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;

/**
 * RIA {@code tresor.io/consistency-cleanup}: restored VolumeSnapshots, pods and PVCs come back without the
 * annotations tresor wrote at backup time (they describe that backup, not the restored object). The tenant's
 * own {@code tresor.io/freeze} opt-out stays.
 */
public final class ConsistencyCleanupAction implements RestoreItemAction {
  public static final String NAME = "tresor.io/consistency-cleanup";

  @Override
  public ResourceSelector appliesTo() {
    return ResourceSelector.resources("volumesnapshots.snapshot.storage.k8s.io", "pods", "persistentvolumeclaims");
  }

  @Override
  public RestoreItemResult execute(RestoreItemRequest request) {
    ObjectNode item = request.item();
    JsonNode annotations = item.path("metadata").path("annotations");
    if (!annotations.isObject() || ConsistencyAnnotations.ALL.stream().noneMatch(annotations::has)) {
      return RestoreItemResult.unchanged();
    }
    ((ObjectNode) annotations).remove(ConsistencyAnnotations.ALL);
    if (annotations.isEmpty()) {
      ((ObjectNode) item.get("metadata")).remove("annotations");
    }
    return RestoreItemResult.of(item);
  }
}
