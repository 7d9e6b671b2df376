package io.tresor.actions.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.ImageIndexCodec;
import io.tresor.imagearchive.index.ImageStreamRecord;

/**
 * The annotations with which a backed-up ImageStream points at its index document in the backup's archive
 * (annotations are limited to 256 KiB, so the record itself lives in the index).
 */
public final class ImageIndexPointer {
    /**
     * Object key of the ImageStream's index document ({@code plugins/tresor/backups/<backup>/imagestreams/<ns>/<name>.json};
     * {@code .../images.json} for backups written before), relative to the storage location's prefix. Informational:
     * a restore computes the key from the layout and never follows this value out of the backup's directory.
     */
    public static final String INDEX_ANNOTATION = "tresor.io/image-index";
    /** {@code sha256:} of this ImageStream's record in the index, so a restore notices a replaced index. */
    public static final String RECORD_DIGEST_ANNOTATION = "tresor.io/image-record-digest";

    private ImageIndexPointer() {
    }

    /** Digest of the record's canonical JSON (the codec orders keys). */
    public static Digest recordDigest(ImageStreamRecord record) {
        try {
            return Digest.of(ImageIndexCodec.mapper().writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ImageStream record " + record.namespace() + "/" + record.name() + " cannot be serialized", e);
        }
    }
}
