package io.tresor.imagearchive.index;

import io.tresor.imagearchive.Digest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An index document: which ImageStream tags a Velero backup captured, and every stored object those images need, all
 * under the blob directory of {@code keyFingerprint}. Schema 2 ({@link #SCHEMA_VERSION}) is one document per
 * ImageStream, {@code backups/<backup>/imagestreams/<namespace>/<name>.json}, plus a marker {@code images.json}
 * without ImageStreams; schema 1 ({@link #LEGACY_SCHEMA_VERSION}) is one {@code images.json} for the whole backup,
 * as written before, still read for restores and the GC.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} or {@link #LEGACY_SCHEMA_VERSION}
 * @param backup        the Velero backup's name
 * @param keyFingerprint fingerprint of the SSE-C key the images were stored with
 * @param createdAt     when the index was written (RFC 3339)
 */
public record ImageIndex(int schemaVersion, String backup, String keyFingerprint, String createdAt,
                         List<ImageStreamRecord> imageStreams, List<ImageRecord> images) {
    /** Per-ImageStream documents; plugins that read only schema 1 refuse it by its number. */
    public static final int SCHEMA_VERSION = 2;
    /** One whole-backup {@code images.json}, as written before per-ImageStream documents. */
    public static final int LEGACY_SCHEMA_VERSION = 1;

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
