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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIA {@code tresor.io/imagestream-capture}: copies an ImageStream's images from the internal registry into the backup
 * storage location (SSE-C, deduplicated) and records them in its own index document of the backup; the backed-up
 * ImageStream only gets a pointer to that document and the digest of its record.
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

    /**
     * Never fails the item: an ImageStream whose images cannot be archived is still backed up (its spec and reference
     * tags come back on restore), and the failure is an error line (backup PartiallyFailed) plus a Warning Event.
     */
    @Override
    public BackupItemResult execute(BackupItemRequest request) {
        ObjectNode item = request.item();
        if (!"ImageStream".equals(item.path("kind").asText())) {
            // AppliesTo keeps other kinds away; this also keeps the build's AOT training run off the cluster
            return BackupItemResult.unchanged();
        }
        String backupName = request.backup().path("metadata").path("name").asText();
        ImageActionContext ctx;
        try {
            ctx = ImageActionContext.require(context);
        } catch (ActionException e) {
            return failed(item, null, backupName, e.getMessage());
        }
        ImageStreamEvents events = ctx.events("tresor-imagestream-capture");
        try {
            return capture(ctx, events, item, request.backup(), backupName);
        } catch (ActionException | RuntimeException e) {
            return failed(item, events, backupName, e.getMessage());
        }
    }

    private BackupItemResult capture(ImageActionContext ctx, ImageStreamEvents events, ObjectNode item, ObjectNode backup,
                                     String backupName) throws ActionException {
        // Only an ImageStream with images of its own needs the archive; one that references only other namespaces or
        // external registries must not fail on its storage location, so an opening error surfaces at take() only.
        try (ArchiveOpening opening = hasStatusItems(item) ? ArchiveOpening.start(() -> ctx.stores().forBackup(backup)) : null) {
            CapturePlan plan = CapturePlan.of(item, ctx.registry().host());
            if (plan.imagesToCopy().isEmpty()) {
                LOG.atInfo().addKeyValue("namespace", plan.namespace()).addKeyValue("imagestream", plan.repository())
                        .log("no image of this ImageStream lives in its own repository of the internal registry: nothing to capture");
                new CaptureReport(item, backupName, events).report(plan, new ImageStreamCapture.Outcomes(
                        new ImageStreamRecord(plan.namespace(), plan.name(), List.of()), List.of(), Map.of(), Map.of()));
                return BackupItemResult.of(item);
            }
            // a plan with images to copy comes from status items, so the opening was started
            return capture(ctx, events, item, backupName, plan, opening.take());
        }
    }

    private static boolean hasStatusItems(ObjectNode item) {
        for (var tag : item.path("status").path("tags")) {
            if (!tag.path("items").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private BackupItemResult capture(ImageActionContext ctx, ImageStreamEvents events, ObjectNode item, String backupName,
                                     CapturePlan plan, S3BlobStore opened) throws ActionException {
        try (S3BlobStore store = opened;
             ImageCopier copier = new ImageCopier(store, ctx.settings().copyParallelism(), RetryPolicy.standard())) {
            // the document's key checks namespace and name before anything is copied
            String indexKey = store.layout().imageStreamIndex(backupName, plan.namespace(), plan.name());
            indexes.begin(store, backupName);
            try {
                ImageStreamCapture.Outcomes outcomes = ImageStreamCapture.run(plan, copier, ctx.registry().client());
                indexes.add(store, backupName, outcomes.record(), outcomes.images());
                new CaptureReport(item, backupName, events).report(plan, outcomes);
                ObjectNode annotations = item.withObjectProperty("metadata").withObjectProperty("annotations");
                annotations.put(ImageIndexPointer.INDEX_ANNOTATION, indexKey.substring(store.layout().locationPrefix().length()));
                annotations.put(ImageIndexPointer.RECORD_DIGEST_ANNOTATION, ImageIndexPointer.recordDigest(outcomes.record()).toString());
                return BackupItemResult.of(item);
            } finally {
                indexes.end(store, backupName);
            }
        }
    }

    private static BackupItemResult failed(ObjectNode item, ImageStreamEvents events, String backup, String message) {
        String namespace = item.path("metadata").path("namespace").asText();
        String name = item.path("metadata").path("name").asText();
        LOG.atError().addKeyValue("namespace", namespace).addKeyValue("imagestream", namespace + "/" + name)
                .log("the ImageStream is backed up without its images: {}", message);
        if (events != null) {
            events.record(item, namespace, true, "ImageCaptureFailed", "backup " + backup + ": the images of " + namespace + "/"
                    + name + " are not in this backup: " + message);
        }
        return BackupItemResult.of(item);
    }
}
