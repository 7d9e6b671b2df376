package io.tresor.actions.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.imagearchive.archive.ArchiveSweeper;
import io.tresor.imagearchive.gc.SweepDecision;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.StorageLocation;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.api.DeleteItemRequest;
import io.tresor.plugin.api.ResourceSelector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DIA {@code tresor.io/imagestream-gc}: when Velero deletes a backup, drops its {@code images.json} and sweeps the
 * blobs no remaining index or in-progress capture needs (DESIGN §5, two passes). Velero calls it once per
 * ImageStream of the backup; the sweep runs once per backup and plugin process, and is idempotent when repeated.
 */
public final class ImageStreamGcAction implements DeleteItemAction {
    public static final String NAME = "tresor.io/imagestream-gc";
    private static final Logger LOG = LoggerFactory.getLogger(ImageStreamGcAction.class);

    private final Supplier<ImageActionContext> context;
    private final Set<String> swept = ConcurrentHashMap.newKeySet();

    public ImageStreamGcAction(Supplier<ImageActionContext> context) {
        this.context = context;
    }

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreams.image.openshift.io");
    }

    @Override
    public void execute(DeleteItemRequest request) throws ActionException {
        if (!"ImageStream".equals(request.item().path("kind").asText())) {
            return; // AppliesTo keeps other kinds away
        }
        ObjectNode backup = request.backup();
        String name = backup.path("metadata").path("name").asText();
        String key = backup.path("metadata").path("namespace").asText() + "/" + name;
        if (!swept.add(key)) {
            return;
        }
        try {
            sweep(backup, name, key);
        } catch (ActionException | RuntimeException e) {
            swept.remove(key);
            throw e instanceof ActionException a ? a : new ActionException("backup " + key
                    + ": its images could not be collected from the storage location: " + e.getMessage()
                    + "; deleting the backup again retries", e);
        }
    }

    private void sweep(ObjectNode backup, String name, String key) throws ActionException {
        ImageActionContext ctx = ImageActionContext.require(context);
        StorageLocation location = ctx.stores().locationOf(backup);
        if (location.customerKeyEncryptionFile() == null && location.customerKeyEncryptionSecret() == null) {
            // tresor archives into SSE-C locations only: there is nothing to collect here
            LOG.atInfo().addKeyValue("veleroBackup", key).log("storage location {} has no SSE-C key: no image archive to sweep", location.name());
            return;
        }
        try (S3BlobStore store = ctx.stores().open(backup.path("metadata").path("namespace").asText(), location)) {
            SweepDecision decision = new ArchiveSweeper(store, ctx.settings().gcPassInterval(),
                    ctx.settings().gcInProgressMaxAge(), ctx.clock()).sweep(Set.of(name));
            LOG.atInfo().addKeyValue("veleroBackup", key).addKeyValue("indexesDeleted", decision.indexesToDelete().size())
                    .addKeyValue("inProgressDeleted", decision.inProgressToDelete().size())
                    .addKeyValue("blobsDeleted", decision.blobCount()).addKeyValue("holds", String.join("; ", decision.holds()))
                    .log("image archive swept");
        }
    }
}
