package io.tresor.actions.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.ImageActionContext;
import io.tresor.actions.cluster.ImageIndexPointer;
import io.tresor.imagearchive.archive.BackupDocuments;
import io.tresor.imagearchive.copy.ImageCopier;
import io.tresor.imagearchive.copy.RestoreResult;
import io.tresor.imagearchive.index.ImageIndex;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagRecord;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.imagearchive.registry.RetryPolicy;
import io.tresor.imagearchive.s3.S3BlobStore;
import io.tresor.imagearchive.s3.SseKeyMismatchException;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.ResourceSelector;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.api.RestoreItemRequest;
import io.tresor.plugin.api.RestoreItemResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RIA {@code tresor.io/imagestream-restore}: refuses an ImageStream whose backed-up namespace the Restore or its Backup do
 * not cover ({@link SourceNamespacePolicy}), creates it from its backed-up spec in the target namespace,
 * pushes its archived images into that namespace's repository of the internal registry (tag history oldest first,
 * blobs mounted from repositories this restore already filled in the same namespace), then tells Velero to skip its
 * own create. In a mapped restore, what its spec points at in the source namespace (spec tags, also by pull spec into the
 * internal registry, and {@code spec.dockerImageRepository}) points into the target namespace ({@link RestoreTarget}).
 * An existing ImageStream is left alone (item back to Velero unchanged) unless the Restore's
 * {@code existingResourcePolicy} is {@code update}: then its images are pushed into it and its spec stays as it is in
 * the cluster. One info line per ImageStream says which of these happened. A missing blob or a wrong key fails that
 * image with a restore error naming it; the others still go.
 */
public final class ImageStreamRestoreAction implements RestoreItemAction {
    public static final String NAME = "tresor.io/imagestream-restore";
    private static final Logger LOG = LoggerFactory.getLogger(ImageStreamRestoreAction.class);

    private final Supplier<ImageActionContext> context;
    /** Repositories filled per restore and target namespace: the only ones blobs are mounted from. */
    private final Map<String, Set<String>> filled = new ConcurrentHashMap<>();

    public ImageStreamRestoreAction(Supplier<ImageActionContext> context) {
        this.context = context;
    }

    @Override
    public ResourceSelector appliesTo() {
        return ResourceSelector.resources("imagestreams.image.openshift.io");
    }

    @Override
    public RestoreItemResult execute(RestoreItemRequest request) throws ActionException {
        if (!"ImageStream".equals(request.item().path("kind").asText())) {
            return RestoreItemResult.unchanged(); // AppliesTo keeps other kinds away
        }
        ObjectNode fromBackup = request.itemFromBackup();
        ObjectNode restore = request.restore();
        RestoreTarget target = RestoreTarget.of(fromBackup, restore);
        ImageActionContext ctx = ImageActionContext.require(context);
        String restoreNs = restore.path("metadata").path("namespace").asText();
        String backupName = restore.path("spec").path("backupName").asText();
        ObjectNode backup = ApiResources.get(ctx.client(), ApiResources.BACKUP, restoreNs, backupName).orElseThrow(() ->
                new ActionException("restore " + restoreNs + "/" + restore.path("metadata").path("name").asText() + ": backup "
                        + backupName + " does not exist in namespace " + restoreNs + ": ImageStream " + target.sourceNamespace()
                        + "/" + target.name() + " and its images cannot be restored"));
        refuseOutsideScope(target, restore, backup);
        boolean update = "update".equals(restore.path("spec").path("existingResourcePolicy").asText());
        Placement placement = createImageStream(ctx, target, target.imageStream(request.item(), registryHost(ctx, target)), update);
        String indexKey = fromBackup.path("metadata").path("annotations").path(ImageIndexPointer.INDEX_ANNOTATION).asText("");
        if (placement == Placement.LEFT_AS_IS) {
            // Info, not warn: Velero's own create of the item handed back meets the object and puts its warning ("could
            // not restore, ImageStream ... already exists") into the Restore's results, the only place `velero restore
            // describe` shows; this line adds what that warning cannot say.
            LOG.atInfo().addKeyValue("imagestream", target.repository()).log(indexKey.isEmpty()
                    ? "ImageStream " + target.repository() + " exists already and was left as it is; the backup archived no "
                    + "image of it, so no image is missing"
                    : "ImageStream " + target.repository() + " exists already and was left as it is: none of its images in "
                    + "backup " + backupName + " were pushed; to push them into it, restore with existingResourcePolicy: "
                    + "update (which moves its tags back to the backup's images), or delete the ImageStream and restore again");
            return RestoreItemResult.unchanged();
        }
        if (indexKey.isEmpty()) {
            LOG.atInfo().addKeyValue("imagestream", target.repository()).log(placement.done(target)
                    + "; the backup archived no image of it, so none was pushed");
            return RestoreItemResult.skip();
        }
        int pushed;
        try (S3BlobStore store = ctx.stores().forBackup(backup);
             ImageCopier copier = new ImageCopier(store, ctx.settings().copyParallelism(), RetryPolicy.standard())) {
            ImageIndex index = readIndex(store, backupName, target);
            ImageStreamRecord record = record(index, target, fromBackup);
            pushed = pushImages(ctx.registry().client(), copier, index, record, target, restore, placement);
        } catch (RuntimeException e) {
            throw new ActionException(placement.done(target) + ", but its images cannot be restored from backup " + backupName
                    + ": " + e.getMessage(), e);
        }
        LOG.atInfo().addKeyValue("imagestream", target.repository()).addKeyValue("images", pushed)
                .log(placement.done(target) + "; " + pushed + " image(s) of backup " + backupName + " pushed into it");
        return RestoreItemResult.skip();
    }

    /** What became of the ImageStream object itself. */
    private enum Placement {
        CREATED,
        /** it existed and the Restore's existingResourcePolicy is update: images go into it, its spec stays */
        UPDATED,
        /** it existed and existingResourcePolicy is not update: nothing is done, Velero reports the existing object */
        LEFT_AS_IS;

        /** What was done, for the ImageStream's one summary line and its error. */
        String done(RestoreTarget target) {
            return this == CREATED ? "ImageStream " + target.repository() + " was created from its backed-up spec"
                    : "ImageStream " + target.repository() + " exists already and existingResourcePolicy is update: its spec was "
                    + "left as it is in the cluster";
        }
    }

    /**
     * The internal registry's host when the restore maps namespaces (pull specs into mapped namespaces' repositories are
     * repointed); unmapped restores do not need it, so they do not look it up.
     */
    private static Optional<String> registryHost(ImageActionContext ctx, RestoreTarget target) throws ActionException {
        if (!target.mapped()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ctx.registry().host());
        } catch (ActionException e) {
            throw new ActionException("ImageStream " + target.sourceNamespace() + "/" + target.name() + " cannot be restored "
                    + "into namespace " + target.namespace() + ": its spec's pull specs into the internal registry's repositories "
                    + "of mapped namespaces (" + target.mappingText() + ") are repointed by the registry's host, and "
                    + e.getMessage(), e);
        }
    }

    /**
     * Refuses, before anything is created or pushed, an ImageStream whose own {@code metadata.namespace} lies outside
     * the Restore's or the Backup's namespaces (see {@link SourceNamespacePolicy}).
     */
    private static void refuseOutsideScope(RestoreTarget target, ObjectNode restore, ObjectNode backup) throws ActionException {
        var refusal = SourceNamespacePolicy.refusal(target.sourceNamespace(), restore, backup);
        if (refusal.isPresent()) {
            throw new ActionException("ImageStream " + target.name() + " of backup " + backup.path("metadata").path("name").asText()
                    + " names namespace \"" + target.sourceNamespace() + "\" in its metadata.namespace, but " + refusal.get()
                    + ": an object of the backup must lie in a namespace the backup and the restore cover; this one was altered in "
                    + "the backup's storage or the backup is damaged. Nothing was created or pushed; restore from an unaltered backup");
        }
    }

    /**
     * Creates the ImageStream unless it exists; an existing one is {@link Placement#UPDATED} only when the Restore's
     * {@code existingResourcePolicy} is {@code update} (Velero's default leaves existing objects alone: pushing would
     * move its live tags back).
     */
    private static Placement createImageStream(ImageActionContext ctx, RestoreTarget target, RestoreTarget.Recreation is,
                                               boolean update) throws ActionException {
        try {
            ctx.client().genericKubernetesResources(ApiResources.IMAGE_STREAM).inNamespace(target.namespace())
                    .resource(ApiResources.generic(is.imageStream())).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return update ? Placement.UPDATED : Placement.LEFT_AS_IS;
            }
            throw new ActionException("ImageStream " + target.repository() + " cannot be created: " + e.getMessage()
                    + " (the Velero service account needs create on imagestreams)", e);
        }
        List<String> repointed = new ArrayList<>();
        if (!is.repointedTags().isEmpty()) {
            repointed.add("spec tags " + String.join(", ", is.repointedTags()));
        }
        if (is.repositoryRepointed()) {
            repointed.add("spec.dockerImageRepository");
        }
        if (!repointed.isEmpty()) {
            LOG.atInfo().addKeyValue("imagestream", target.repository()).addKeyValue("tags", String.join(",", is.repointedTags()))
                    .log("ImageStream {} was created with {} repointed by the restore's namespace mapping ({})", target.repository(),
                            String.join(" and ", repointed), target.mappingText());
        }
        return Placement.CREATED;
    }

    /**
     * The ImageStream's own index document, or its part of the legacy {@code images.json} of a backup written before
     * per-ImageStream documents. The key comes from the layout (backup, namespace, name), never from the annotation.
     */
    private static ImageIndex readIndex(S3BlobStore store, String backupName, RestoreTarget target) throws ActionException {
        try {
            return new BackupDocuments(store, java.time.Clock.systemUTC())
                    .readImageStreamIndex(backupName, target.sourceNamespace(), target.name()).orElseThrow(() -> new ActionException(
                    "storage location " + store.location().name() + " has neither "
                            + store.layout().imageStreamIndex(backupName, target.sourceNamespace(), target.name()) + " nor a record of it in "
                            + store.layout().imageIndex(backupName) + ": the backup's images were garbage-collected or never written"));
        } catch (SseKeyMismatchException e) {
            // a RuntimeException: execute() wraps it with the ImageStream's name like every other archive failure
            throw new IllegalStateException(keyMismatch(store, backupName) + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Names the fingerprints (never the keys): the current one and those blob directories exist for, so an admin whose
     * key was rotated sees that this backup needs an earlier key, and which fingerprint it must have.
     */
    private static String keyMismatch(S3BlobStore store, String backupName) {
        List<String> others = new ArrayList<>();
        try {
            for (String dir : store.listDirectoryNames(store.layout().root())) {
                String name = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
                if (name.startsWith("k-") && !name.equals("k-" + store.keyFingerprint())) {
                    others.add(name.substring(2));
                }
            }
        } catch (RuntimeException listingFailed) {
            // the message below is still right, only without the list of other fingerprints
        }
        return "backup " + backupName + " was archived with another SSE-C key than storage location " + store.location().name()
                + " has now (key fingerprint " + store.keyFingerprint() + "); blobs of other keys exist under fingerprint(s) "
                + (others.isEmpty() ? "(none found)" : String.join(", ", others)) + ": set the location's customer key back to the "
                + "key this backup was written with (its customerKeyEncryptionSecret or customerKeyEncryptionFile), restore, then "
                + "set the new key again; nothing was uploaded or overwritten";
    }

    private static ImageStreamRecord record(ImageIndex index, RestoreTarget target, ObjectNode fromBackup) throws ActionException {
        ImageStreamRecord record = index.imageStreams().stream()
                .filter(s -> s.namespace().equals(target.sourceNamespace()) && s.name().equals(target.name())).findFirst()
                .orElseThrow(() -> new ActionException("the image index of backup " + index.backup() + " has no record of ImageStream "
                        + target.sourceNamespace() + "/" + target.name()));
        String expected = fromBackup.path("metadata").path("annotations").path(ImageIndexPointer.RECORD_DIGEST_ANNOTATION).asText("");
        String actual = ImageIndexPointer.recordDigest(record).toString();
        if (!expected.isEmpty() && !expected.equals(actual)) {
            throw new ActionException("the image index of backup " + index.backup() + " holds a different record of ImageStream "
                    + target.sourceNamespace() + "/" + target.name() + " (" + actual + ") than the backup recorded (" + expected
                    + "): the index was replaced; restore from another backup");
        }
        return record;
    }

    /** Pushes the archived images; returns how many were pushed, or fails naming every one that was not. */
    private int pushImages(OciRegistryClient registry, ImageCopier copier, ImageIndex index, ImageStreamRecord record,
                           RestoreTarget target, ObjectNode restore, Placement placement) throws ActionException {
        String key = restore.path("metadata").path("uid").asText(restore.path("metadata").path("name").asText()) + "/" + target.namespace();
        Set<String> mountable = filled.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        List<String> failures = new ArrayList<>();
        int pushed = 0;
        for (TagRecord tag : TagHistoryReplay.leftToTheirSpec(record)) {
            TagItemRecord newest = tag.items().get(0);
            LOG.atWarn().addKeyValue("imagestream", target.repository()).addKeyValue("tag", tag.tag())
                    .log("tag {} of imagestream {} cannot be restored to its backup-time image {}: that image was not archived ({}{}); "
                                    + "its older archived images are pushed by digest only; the tag gets what its spec tag gives it, or none",
                            tag.tag(), target.repository(), newest.image(), newest.outcome().name().toLowerCase(java.util.Locale.ROOT),
                            newest.reason() == null ? "" : ": " + newest.reason());
        }
        for (TagHistoryReplay.Push push : TagHistoryReplay.of(record)) {
            ImageRecord image = index.image(push.image()).orElse(null);
            if (image == null) {
                failures.add(push.image() + " (tag " + push.tag() + "): not listed in images.json");
                continue;
            }
            try {
                RestoreResult r = copier.restore(image, registry, target.repository(), push.tags(), List.copyOf(mountable));
                LOG.atInfo().addKeyValue("imagestream", target.repository()).addKeyValue("tag", push.tag())
                        .addKeyValue("byDigestOnly", push.byDigestOnly()).addKeyValue("image", push.image().toString())
                        .addKeyValue("blobsPushed", r.blobsPushed())
                        .addKeyValue("blobsMounted", r.blobsMounted()).addKeyValue("blobsPresent", r.blobsPresent())
                        .addKeyValue("bytesPushed", r.bytesPushed()).addKeyValue("durationMs", r.duration().toMillis())
                        .log("image restored");
                pushed++;
            } catch (RuntimeException e) {
                failures.add(push.image() + " (tag " + push.tag() + "): " + e.getMessage());
                LOG.atError().addKeyValue("imagestream", target.repository()).addKeyValue("image", push.image().toString())
                        .log("image could not be restored: {}", e.getMessage());
            }
        }
        mountable.add(target.repository());
        if (!failures.isEmpty()) {
            throw new ActionException(placement.done(target) + ", but " + failures.size() + " image(s) could not be restored: "
                    + String.join("; ", failures));
        }
        return pushed;
    }
}
