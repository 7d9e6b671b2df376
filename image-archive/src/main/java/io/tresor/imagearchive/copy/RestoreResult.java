package io.tresor.imagearchive.copy;

import io.tresor.imagearchive.Digest;
import java.time.Duration;
import java.util.List;

/**
 * What pushing one archived image back into a registry did.
 *
 * @param tags         tags pushed (the image is always pushed by digest as well)
 * @param blobsPushed  blobs uploaded from S3
 * @param blobsMounted blobs mounted from another repository of the target registry
 * @param blobsPresent blobs the target repository already had
 * @param bytesPushed  bytes uploaded from S3
 */
public record RestoreResult(String repository, Digest image, List<String> tags, int blobsPushed, int blobsMounted,
                            int blobsPresent, long bytesPushed, Duration duration) {
    public RestoreResult {
        tags = List.copyOf(tags);
    }
}
