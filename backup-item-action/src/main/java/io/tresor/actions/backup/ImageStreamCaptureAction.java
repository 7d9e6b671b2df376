package io.tresor.actions.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.ImageIndexPointer;
import io.tresor.actions.cluster.ImageStreamEvents;
import io.tresor.imagearchive.copy.ImageCopier;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.BackupItemRequest;
import io.tresor.plugin.api.BackupItemResult;
import io.tresor.plugin.api.ResourceSelector;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIA {@code tresor.io/imagestream-capture}: copies an ImageStream's images from the internal registry into the backup
 * storage location (SSE-C, deduplicated) and records them in the backup's {@code images.json}; the backed-up
 * ImageStream only gets a pointer to that index and the digest of its own record.
 *
 * <p>Synchronous on purpose: Velero kills the plugin process when the backup's main pass ends and starts a new one
 * for every Progress poll, so a copy running in the background of this process would die with it; the copy
 * therefore completes inside Execute (Velero's item-block workers run ImageStreams of a backup in parallel).
 */
public final class ImageStreamCaptureAction implements BackupItemAction {
    public static final String NAME = "tresor.io/imagestream-capture";
    private static final Logger LOG = LoggerFactory.getLogger(ImageStreamCaptureAction.class);

    private final Supplier<ImageActionContext> context;
    private final BackupImageIndex indexes;

    /** @param context built on first use, so listing the plugin's actions never touches the cluster */
    public ImageStreamCaptureAction(Supplier<ImageActionContext> context) {
        this.context = context;
        this.indexes = new BackupImageIndex(java.time.Clock.systemUTC());
    }

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreams.image.openshift.io");
    }

    @Override
    public BackupItemResult execute(BackupItemRequest request) throws ActionException {
        ObjectNode item = request.item();
        ObjectNode backup = request.backup();
        String backupName = backup.path("metadata").path("name").asText();
        ImageActionContext ctx = context.get();
        CapturePlan plan = CapturePlan.of(item, ctx.registry().host());
        ImageStreamEvents events = ctx.events("tresor-imagestream-capture");
        if (plan.imagesToCopy().isEmpty()) {
            LOG.atInfo().addKeyValue("namespace", plan.namespace()).addKeyValue("imagestream", plan.repository())
                    .log("no image of this ImageStream lives in its own repository of the internal registry: nothing to capture");
            new CaptureReport(item, backupName, events).report(plan, new ImageStreamCapture.Outcomes(
                    new ImageStreamRecord(plan.namespace(), plan.name(), java.util.List.of()), java.util.List.of(),
                    java.util.Map.of(), java.util.Map.of()));
            return BackupItemResult.of(item);
        }
        try (S3BlobStore store = ctx.stores().forBackup(backup);
             ImageCopier copier = new ImageCopier(store, ctx.settings().copyParallelism(), RetryPolicy.standard())) {
            indexes.begin(store, backupName);
            try {
                ImageStreamCapture.Outcomes outcomes = ImageStreamCapture.run(plan, copier, ctx.registry().client());
                indexes.add(store, backupName, outcomes.record(), outcomes.images());
                new CaptureReport(item, backupName, events).report(plan, outcomes);
                ObjectNode annotations = item.withObjectProperty("metadata").withObjectProperty("annotations");
                annotations.put(ImageIndexPointer.INDEX_ANNOTATION, store.layout().imageIndex(backupName).substring(store.layout().locationPrefix().length()));
                annotations.put(ImageIndexPointer.RECORD_DIGEST_ANNOTATION, ImageIndexPointer.recordDigest(outcomes.record()).toString());
                return BackupItemResult.of(item);
            } finally {
                indexes.end(store, backupName);
            }
        } catch (RuntimeException e) {
            throw new ActionException("ImageStream " + plan.repository() + ": its images cannot be archived into backup "
                    + backupName + "'s storage location: " + e.getMessage(), e);
        }
    }
}
