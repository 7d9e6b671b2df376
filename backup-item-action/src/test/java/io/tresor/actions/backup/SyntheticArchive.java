package io.tresor.actions.backup;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.BlobRecord;
import io.tresor.imagearchive.index.ImageRecord;
import io.tresor.imagearchive.index.ImageStreamRecord;
import io.tresor.imagearchive.index.TagItemRecord;
import io.tresor.imagearchive.index.TagRecord;
import io.tresor.imagearchive.registry.MediaTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Synthetic ImageStreams for the index scale bench: 5 tags × 3 revisions per ImageStream, 11 blobs per image (8 base
 * layers shared by every image, 3 of its own); on day {@code d} an ImageStream holds its images {@code d .. d+14}, so
 * daily backups share most of their blobs, as a tenant's do.
 */
final class SyntheticArchive {
    static final int TAGS = 5;
    static final int REVISIONS = 3;
    static final int BASE_LAYERS = 8;
    static final int OWN_LAYERS = 3;

    private SyntheticArchive() {
    }

    static String name(int stream) {
        return "app-" + stream;
    }

    static ImageStreamRecord record(int stream, int day) {
        List<TagRecord> tags = new ArrayList<>();
        for (int t = 0; t < TAGS; t++) {
            List<TagItemRecord> items = new ArrayList<>();
            for (int r = 0; r < REVISIONS; r++) {
                Digest image = manifest(stream, day + t * REVISIONS + r);
                items.add(new TagItemRecord("2026-11-" + String.format("%02d", 1 + r) + "T10:00:00Z",
                        "image-registry.openshift-image-registry.svc:5000/shop/" + name(stream) + "@" + image, image,
                        TagItemRecord.Outcome.ALREADY_PRESENT, null));
            }
            tags.add(new TagRecord("v" + t, items));
        }
        return new ImageStreamRecord("shop", name(stream), tags);
    }

    static List<ImageRecord> images(int stream, int day) {
        List<ImageRecord> images = new ArrayList<>();
        for (int k = day; k < day + TAGS * REVISIONS; k++) {
            List<BlobRecord> blobs = new ArrayList<>();
            for (int j = 0; j < BASE_LAYERS; j++) {
                blobs.add(new BlobRecord(base(j), "application/vnd.oci.image.layer.v1.tar+gzip", 30_000_000L + j, null));
            }
            for (int j = 0; j < OWN_LAYERS; j++) {
                blobs.add(new BlobRecord(Digest.of("layer/" + stream + "/" + k + "/" + j), "application/vnd.oci.image.layer.v1.tar+gzip",
                        5_000_000L + j, null));
            }
            images.add(new ImageRecord(manifest(stream, k), MediaTypes.OCI_MANIFEST, 2_000, "shop/" + name(stream), List.of(), blobs));
        }
        return images;
    }

    /** Every digest the backups of days {@code 0 .. days-1} of {@code streams} ImageStreams reference. */
    static Set<Digest> allDigests(int streams, int days) {
        Set<Digest> all = new LinkedHashSet<>();
        for (int s = 0; s < streams; s++) {
            for (int k = 0; k < days - 1 + TAGS * REVISIONS; k++) {
                all.add(manifest(s, k));
                for (int j = 0; j < OWN_LAYERS; j++) {
                    all.add(Digest.of("layer/" + s + "/" + k + "/" + j));
                }
            }
        }
        for (int j = 0; j < BASE_LAYERS; j++) {
            all.add(base(j));
        }
        return all;
    }

    private static Digest manifest(int stream, int k) {
        return Digest.of("manifest/" + stream + "/" + k);
    }

    private static Digest base(int j) {
        return Digest.of("base/" + j);
    }
}
