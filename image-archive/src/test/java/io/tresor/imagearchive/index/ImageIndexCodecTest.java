package io.tresor.imagearchive.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.MediaTypes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageIndexCodecTest {
    static final Digest INDEX = Digest.of("index");
    static final Digest AMD64 = Digest.of("amd64 manifest");
    static final Digest CONFIG = Digest.of("config");
    static final Digest LAYER = Digest.of("layer");

    static ImageIndex sample() {
        ImageRecord image = new ImageRecord(INDEX, MediaTypes.OCI_INDEX, 512, "shop/frontend",
                List.of(new BlobRecord(AMD64, MediaTypes.OCI_MANIFEST, 700, "linux/amd64")),
                List.of(new BlobRecord(CONFIG, "application/vnd.oci.image.config.v1+json", 1200, null),
                        new BlobRecord(LAYER, "application/vnd.oci.image.layer.v1.tar+gzip", 31_457_280, null)));
        String registry = "image-registry.openshift-image-registry.svc:5000";
        ImageStreamRecord stream = new ImageStreamRecord("shop", "frontend", List.of(new TagRecord("latest", List.of(
                new TagItemRecord("2026-11-30T10:00:00Z", registry + "/shop/frontend@" + INDEX, INDEX, Outcome.CAPTURED, null),
                new TagItemRecord("2026-10-01T08:00:00Z", registry + "/shop/frontend@" + Digest.of("pruned"), Digest.of("pruned"),
                        Outcome.SKIPPED, "manifest gone from the registry (404)")))));
        return new ImageIndex(1, "shop-nightly-7f3a", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "2026-12-01T01:00:00Z",
                List.of(stream), List.of(image));
    }

    @Test
    void writesTheGoldenDocumentAndReadsItBack() throws Exception {
        byte[] written = ImageIndexCodec.write(sample());
        try (InputStream golden = getClass().getResourceAsStream("/golden/images.json")) {
            assertThat(new String(written, StandardCharsets.UTF_8).strip())
                    .isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        ImageIndex back = ImageIndexCodec.read(written, "images.json");
        assertThat(back).isEqualTo(sample());
        assertThat(back.referencedDigests()).containsExactlyInAnyOrder(INDEX, AMD64, CONFIG, LAYER);
        assertThat(back.image(INDEX)).isPresent();
    }

    @Test
    void unknownFieldsAreToleratedButNotANewerSchema() {
        String newer = new String(ImageIndexCodec.write(sample()), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"addedLater\":true,");
        assertThat(ImageIndexCodec.read(newer.getBytes(StandardCharsets.UTF_8), "x").backup()).isEqualTo("shop-nightly-7f3a");
        String v2 = newer.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2");
        assertThat(ImageIndexCodec.read(v2.getBytes(StandardCharsets.UTF_8), "x").schemaVersion()).as("per-ImageStream schema").isEqualTo(2);
        String v3 = newer.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 3");
        assertThatThrownBy(() -> ImageIndexCodec.read(v3.getBytes(StandardCharsets.UTF_8), "tenant/plugins/tresor/backups/b/images.json"))
                .hasMessageContaining("tenant/plugins/tresor/backups/b/images.json").hasMessageContaining("schemaVersion 3");
        assertThatThrownBy(() -> ImageIndexCodec.read("[]".getBytes(StandardCharsets.UTF_8), "x")).hasMessageContaining("not a valid image index document");
    }
}
