package io.tresor.actions.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tresor.actions.cluster.ImageStreamEvents;
import io.tresor.imagearchive.copy.CaptureResult;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Tells the admin (backup log) and the tenant (Events on the ImageStream) what happened to each image: captured,
 * already present, skipped and why, bytes and duration. A skipped image is a warning line (Velero counts it as a
 * backup warning); a failed copy is an error line (the backup ends PartiallyFailed).
 */
final class CaptureReport {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureReport.class);

    private final ObjectNode imageStream;
    private final String namespace;
    private final String backup;
    private final ImageStreamEvents events;

    CaptureReport(ObjectNode imageStream, String backup, ImageStreamEvents events) {
        this.imageStream = imageStream;
        this.namespace = imageStream.path("metadata").path("namespace").asText();
        this.backup = backup;
        this.events = events;
    }

    void report(CapturePlan plan, ImageStreamCapture.Outcomes outcomes) {
        String is = plan.repository();
        for (CaptureResult r : outcomes.results().values()) {
            boolean skipped = r.outcome() == Outcome.SKIPPED;
            LoggingEventBuilder line = (skipped ? LOG.atWarn() : LOG.atInfo()).addKeyValue("namespace", namespace)
                    .addKeyValue("imagestream", is).addKeyValue("image", r.image().toString())
                    .addKeyValue("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                    .addKeyValue("bytesUploaded", r.bytesUploaded()).addKeyValue("blobsUploaded", r.blobsUploaded())
                    .addKeyValue("blobsPresent", r.blobsPresent()).addKeyValue("durationMs", r.duration().toMillis());
            if (skipped) {
                line.addKeyValue("reason", r.reason()).log("image skipped: {}", r.reason());
                events.record(imageStream, namespace, true, "ImageSkipped", "backup " + backup + ": image " + r.image()
                        + " of " + is + " was not captured: " + r.reason());
            } else {
                line.log("image {}", r.outcome() == Outcome.CAPTURED ? "captured" : "already in the archive");
                events.record(imageStream, namespace, false, r.outcome() == Outcome.CAPTURED ? "ImageCaptured" : "ImageAlreadyPresent",
                        "backup " + backup + ": image " + r.image() + " of " + is + " "
                                + (r.outcome() == Outcome.CAPTURED ? "captured" : "already in the archive") + ", "
                                + r.bytesUploaded() + " bytes uploaded in " + r.duration().toMillis() + " ms");
            }
        }
        outcomes.failures().values().forEach(f -> {
            LOG.atError().addKeyValue("namespace", namespace).addKeyValue("imagestream", is).addKeyValue("image", f.image().toString())
                    .addKeyValue("outcome", "failed").addKeyValue("durationMs", f.duration().toMillis())
                    .log("image could not be captured, the backup will not hold it: {}", f.message());
            events.record(imageStream, namespace, true, "ImageCaptureFailed", "backup " + backup + ": image " + f.image()
                    + " of " + is + " could not be captured: " + f.message());
        });
        long references = plan.tags().stream().flatMap(t -> t.items().stream())
                .filter(i -> i.decision() != CapturePlan.Decision.COPY).count();
        if (references > 0) {
            plan.tags().forEach(t -> t.items().stream().filter(i -> i.decision() != CapturePlan.Decision.COPY).forEach(i ->
                    LOG.atInfo().addKeyValue("namespace", namespace).addKeyValue("imagestream", is).addKeyValue("tag", t.tag())
                            .addKeyValue("reference", i.dockerImageReference())
                            .addKeyValue("outcome", i.decision().name().toLowerCase(Locale.ROOT))
                            .log("image not copied: {}", i.reason())));
            events.record(imageStream, namespace, false, "ImagesNotCopied", "backup " + backup + ": " + references
                    + " history item(s) of " + is + " are external, in another namespace or opted out; they are kept as references");
        }
    }
}
