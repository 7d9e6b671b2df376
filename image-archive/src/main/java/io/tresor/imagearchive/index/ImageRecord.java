package io.tresor.imagearchive.index;

import io.tresor.imagearchive.Digest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One archived image: its root manifest (an image manifest or an index), the platform manifests of an index, and all
 * config and layer blobs, deduplicated. Everything listed here is stored under the index's key fingerprint.
 *
 * @param digest     digest of the root manifest
 * @param mediaType  media type of the root manifest (needed to push it back)
 * @param repository the repository it was captured from, {@code namespace/imagestream}
 * @param manifests  platform manifests (children of an index), empty for a single image
 * @param blobs      configs and layers of all platforms
 */
public record ImageRecord(Digest digest, String mediaType, long size, String repository, List<BlobRecord> manifests,
                          List<BlobRecord> blobs) {
    public ImageRecord {
        manifests = List.copyOf(manifests);
        blobs = List.copyOf(blobs);
    }

    /** Every stored object this image needs: root, platform manifests, configs and layers. */
    public Set<Digest> referencedDigests() {
        Set<Digest> all = new LinkedHashSet<>();
        all.add(digest);
        manifests.forEach(m -> all.add(m.digest()));
        blobs.forEach(b -> all.add(b.digest()));
        return all;
    }

    /** Bytes of configs and layers. */
    public long blobBytes() {
        return blobs.stream().mapToLong(BlobRecord::size).sum();
    }
}
