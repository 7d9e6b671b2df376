package io.tresor.imagearchive.copy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import java.time.Duration;

/**
 * What capturing one image did.
 *
 * @param outcome       {@code CAPTURED}, {@code ALREADY_PRESENT} (nothing uploaded) or {@code SKIPPED}
 * @param reason        why it was skipped, null otherwise
 * @param record        what to put in {@code images.json}; null when skipped
 * @param bytesUploaded blob and manifest bytes uploaded to S3 by this capture
 * @param blobsUploaded blobs and manifests uploaded
 * @param blobsPresent  blobs and manifests already in the archive
 */
public record CaptureResult(String repository, Digest image, Outcome outcome, String reason, ImageRecord record,
                            long bytesUploaded, int blobsUploaded, int blobsPresent, Duration duration) {
}
