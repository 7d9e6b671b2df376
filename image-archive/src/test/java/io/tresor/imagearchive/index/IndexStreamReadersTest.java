package io.tresor.imagearchive.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.index.TagItemRecord.Outcome;
import io.tresor.imagearchive.registry.MediaTypes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming readers of index documents: the GC's reduction to digests and the restore's slice of a legacy index. */
class IndexStreamReadersTest {
    static final Digest SHARED = Digest.of("shared base");

    static ImageRecord image(String name) {
        return new ImageRecord(Digest.of(name + " manifest"), MediaTypes.OCI_INDEX, 10, "shop/" + name,
                List.of(new BlobRecord(Digest.of(name + " amd64"), MediaTypes.OCI_MANIFEST, 10, "linux/amd64")),
                List.of(new BlobRecord(SHARED, "application/vnd.oci.image.layer.v1.tar+gzip", 10, null),
                        new BlobRecord(Digest.of(name + " layer"), "application/vnd.oci.image.layer.v1.tar+gzip", 10, null)));
    }

    static ImageStreamRecord stream(String name) {
        Digest image = Digest.of(name + " manifest");
        return new ImageStreamRecord("shop", name, List.of(new TagRecord("latest", List.of(
                new TagItemRecord("2026-11-30T10:00:00Z", "registry/shop/" + name + "@" + image, image, Outcome.CAPTURED, null)))));
    }

    static ImageIndex legacy() {
        return new ImageIndex(ImageIndex.LEGACY_SCHEMA_VERSION, "mon", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "2026-12-01T01:00:00Z",
                List.of(stream("web"), stream("api")), List.of(image("web"), image("api")));
    }

    @Test
    void referencesAreEveryDigestOfTheImagesAsOneSharedObject() throws Exception {
        Map<Digest, Digest> pool = new HashMap<>();
        Digest canonical = Digest.parse(SHARED.toString());
        pool.put(canonical, canonical);
        ImageIndexReferences refs = ImageIndexReferences.read(new ByteArrayInputStream(ImageIndexCodec.write(legacy())), "k",
                d -> pool.computeIfAbsent(d, x -> x));

        assertThat(refs.digests()).containsExactlyInAnyOrderElementsOf(legacy().referencedDigests());
        assertThat(refs.digests().stream().filter(SHARED::equals).findFirst().orElseThrow()).isSameAs(canonical);
        assertThat(refs.keyFingerprint()).isEqualTo("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
        assertThat(refs.createdAt()).isEqualTo("2026-12-01T01:00:00Z");
    }

    @Test
    void aNewerSchemaOrABrokenDocumentIsRefusedNamingTheKey() {
        String v3 = new String(ImageIndexCodec.write(legacy()), StandardCharsets.UTF_8).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 3");
        assertThatThrownBy(() -> ImageIndexReferences.read(new ByteArrayInputStream(v3.getBytes(StandardCharsets.UTF_8)), "b/x.json", d -> d))
                .hasMessageContaining("b/x.json").hasMessageContaining("schemaVersion 3");
        assertThatThrownBy(() -> ImageIndexReferences.read(new ByteArrayInputStream("{\"images\":[{\"digest\":".getBytes(StandardCharsets.UTF_8)),
                "b/y.json", d -> d)).hasMessageContaining("b/y.json").hasMessageContaining("not a valid image index document");
        assertThatThrownBy(() -> ImageIndexReferences.read(new ByteArrayInputStream("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)),
                "b/z.json", d -> d)).hasMessageContaining("b/z.json has no keyFingerprint");
    }

    @Test
    void aLegacySliceHoldsOneImageStreamAndOnlyItsImages() throws Exception {
        ImageIndex slice = LegacyIndexSlice.read(new ByteArrayInputStream(ImageIndexCodec.write(legacy())), "k", "shop", "api").orElseThrow();

        assertThat(slice.imageStreams()).containsExactly(stream("api"));
        assertThat(slice.images()).containsExactly(image("api"));
        assertThat(slice.backup()).isEqualTo("mon");
        assertThat(LegacyIndexSlice.read(new ByteArrayInputStream(ImageIndexCodec.write(legacy())), "k", "shop", "gone")).isEmpty();
    }
}
