package io.tresor.plugin.testkit.actions;

import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.api.DeleteItemRequest;
import io.tresor.plugin.api.ResourceSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each deleted item; fails for items annotated {@code tresor.io/test-delete-fail}. */
final class DeleteRecordingAction implements DeleteItemAction {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteRecordingAction.class);

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreams.image.openshift.io");
    }

    @Override
    public void execute(DeleteItemRequest request) throws ActionException {
        String name = request.item().path("metadata").path("name").asText();
        if (request.item().path("metadata").path("annotations").has("tresor.io/test-delete-fail")) {
            throw new ActionException("cannot delete images of " + name + ": test failure");
        }
        LOG.atInfo().addKeyValue("backup", request.backup().path("metadata").path("name").asText())
                .addKeyValue("name", name).log("deleted item data");
    }
}
