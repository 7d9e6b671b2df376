package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RIA {@code tresor.io/imagestreamtag-skip}: Velero must not create the {@code imagestreamtags} and {@code imagetags}
 * it found in a backup.
 *
 * <p>Why: both are virtual views of one ImageStream tag (spec entry + status history), listed by Velero like any other
 * resource. {@code tresor.io/imagestream-restore} already recreates every spec tag (reference tags, external
 * {@code DockerImage} tags, import and reference policies) from the backed-up ImageStream and replays each tag's
 * history by pushing its images. Creating an ImageStreamTag afterwards is at best an "already exists" warning per
 * tag, and for a tag pointing at an external image it is a new tag event with a fresh import (the history tresor
 * restored then gets an extra, newer entry). The OpenShift Velero plugin skips {@code imagetags} always and restores
 * {@code imagestreamtags} only for reference/external tags, because its ImageStream restore skips creating the stream
 * (the registry recreates it on push, without spec tags); tresor creates it from the full spec first.
 */
public final class ImageStreamTagSkipAction implements RestoreItemAction {
    public static final String NAME = "tresor.io/imagestreamtag-skip";
    private static final Logger LOG = LoggerFactory.getLogger(ImageStreamTagSkipAction.class);

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreamtags.image.openshift.io", "imagetags.image.openshift.io");
    }

    /** Reads the item's kind and answers: one call per tag of every stream in a restore, none of them waits. */
    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public RestoreItemResult execute(RestoreItemRequest request) {
        ObjectNode item = request.item();
        String kind = item.path("kind").asText();
        if (!"ImageStreamTag".equals(kind) && !"ImageTag".equals(kind)) {
            return RestoreItemResult.unchanged(); // AppliesTo keeps other kinds away
        }
        LOG.atInfo().addKeyValue("kind", kind)
                .addKeyValue("name", item.path("metadata").path("namespace").asText() + "/" + item.path("metadata").path("name").asText())
                .log("not restored: the ImageStream's restore recreates this tag (spec and history)");
        return RestoreItemResult.skip();
    }
}
