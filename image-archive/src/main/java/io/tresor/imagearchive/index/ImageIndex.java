package io.tresor.imagearchive.index;

import io.tresor.imagearchive.Digest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The content of {@code plugins/tresor/backups/<backup>/images.json}: which ImageStream tags a Velero backup captured,
 * and every stored object those images need, all under the blob directory of {@code keyFingerprint}.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param backup        the Velero backup's name
 * @param keyFingerprint fingerprint of the SSE-C key the images were stored with
 * @param createdAt     when the index was written (RFC 3339)
 */
public record ImageIndex(int schemaVersion, String backup, String keyFingerprint, String createdAt,
                         List<ImageStreamRecord> imageStreams, List<ImageRecord> images) {
    public static final int SCHEMA_VERSION = 1;

    public ImageIndex {
        imageStreams = List.copyOf(imageStreams);
        images = List.copyOf(images);
    }

    /** Every stored digest that this backup needs; the GC keeps these. */
    public Set<Digest> referencedDigests() {
        Set<Digest> all = new LinkedHashSet<>();
        images.forEach(i -> all.addAll(i.referencedDigests()));
        return all;
    }

    public Optional<ImageRecord> image(Digest digest) {
        return images.stream().filter(i -> i.digest().equals(digest)).findFirst();
    }
}
