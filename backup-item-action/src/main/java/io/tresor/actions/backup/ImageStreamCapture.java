package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.copy.CaptureResult;
import io.tresor.imagearchive.copy.ImageCopier;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.index.TagRecord;
import io.tresor.imagearchive.registry.OciRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link CapturePlan}: copies each distinct image once through the ImageStream's own repository and turns the
 * outcomes into the ImageStream's {@code images.json} record. A failure of one image (other than "gone from the
 * registry") does not stop the others: it becomes {@link Failure} for the caller to report as an error.
 */
final class ImageStreamCapture {
    /** What capturing one ImageStream produced. */
    record Outcomes(ImageStreamRecord record, List<ImageRecord> images, Map<Digest, CaptureResult> results,
                    Map<Digest, Failure> failures) {
    }

    /** An image that could not be copied for another reason than being gone. */
    record Failure(Digest image, String message, Duration duration) {
    }

    private ImageStreamCapture() {
    }

    static Outcomes run(CapturePlan plan, ImageCopier copier, OciRegistryClient registry) {
        Map<Digest, CaptureResult> results = new LinkedHashMap<>();
        Map<Digest, Failure> failures = new LinkedHashMap<>();
        for (Digest image : plan.imagesToCopy()) {
            long start = System.nanoTime();
            try {
                results.put(image, copier.capture(registry, plan.repository(), image));
            } catch (RuntimeException e) {
                failures.put(image, new Failure(image, e.getClass().getSimpleName() + ": " + e.getMessage(),
                        Duration.ofNanos(System.nanoTime() - start)));
            }
        }
        List<TagRecord> tags = new ArrayList<>();
        for (CapturePlan.Tag tag : plan.tags()) {
            List<TagItemRecord> items = new ArrayList<>();
            for (CapturePlan.Item item : tag.items()) {
                items.add(record(item, results, failures));
            }
            tags.add(new TagRecord(tag.tag(), items));
        }
        List<ImageRecord> images = new ArrayList<>();
        results.values().stream().filter(r -> r.record() != null).forEach(r -> images.add(r.record()));
        return new Outcomes(new ImageStreamRecord(plan.namespace(), plan.name(), tags), images, results, failures);
    }

    private static TagItemRecord record(CapturePlan.Item item, Map<Digest, CaptureResult> results, Map<Digest, Failure> failures) {
        switch (item.decision()) {
            case REFERENCE:
                return new TagItemRecord(item.created(), item.dockerImageReference(), item.image(), Outcome.REFERENCE, item.reason());
            case SKIP:
                return new TagItemRecord(item.created(), item.dockerImageReference(), item.image(), Outcome.SKIPPED, item.reason());
            default:
                Failure failure = failures.get(item.image());
                if (failure != null) {
                    return new TagItemRecord(item.created(), item.dockerImageReference(), item.image(), Outcome.SKIPPED,
                            "copy failed: " + failure.message());
                }
                CaptureResult r = results.get(item.image());
                return new TagItemRecord(item.created(), item.dockerImageReference(), item.image(), r.outcome(), r.reason());
        }
    }
}
