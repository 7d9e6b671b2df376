package io.tresor.imagearchive.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
    static final Digest A = Digest.of("a");
    static final Digest B = Digest.of("b");
    static final Digest C = Digest.of("c");

    @Test
    void dockerSchema2ListsConfigThenLayers() {
        Manifest m = parse("""
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"%s"},
                           {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":16724,"digest":"%s"}]}""", null);
        assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(m.isIndex()).isFalse();
        assertThat(m.blobs()).extracting(Descriptor::digest).containsExactly(A, B, C);
        assertThat(m.blobs()).extracting(Descriptor::size).containsExactly(7023L, 32654L, 16724L);
    }

    @Test
    void ociManifestWithoutMediaTypeFieldTakesTheContentType() {
        Manifest m = parse("""
                {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":1,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":2,"digest":"%s"}]}""",
                MediaTypes.OCI_MANIFEST + "; charset=utf-8");
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.blobs()).hasSize(2);
    }

    @Test
    void indexesAndManifestListsListTheirPlatforms() {
        for (String type : new String[] {MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST}) {
            Manifest m = parse("""
                    {"schemaVersion":2,"mediaType":"%s","manifests":[
                     {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7143,"digest":"%%s","platform":{"architecture":"ppc64le","os":"linux"}},
                     {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7682,"digest":"%%s","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""
                    .formatted(type).replace("%%s", "%s"), "application/json");
            assertThat(m.mediaType()).isEqualTo(type);
            assertThat(m.isIndex()).isTrue();
            assertThat(m.manifests()).extracting(Descriptor::platform).containsExactly("linux/ppc64le", "linux/arm64/v8");
            assertThat(m.blobs()).isEmpty();
        }
    }

    @Test
    void schema1AndBrokenManifestsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> Manifest.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8),
                MediaTypes.DOCKER_SCHEMA1, "reg/ns/is@sha256:x"))
                .hasMessageContaining("reg/ns/is@sha256:x").hasMessageContaining("not supported");
        assertThatThrownBy(() -> Manifest.parse("{\"layers\":[{\"digest\":\"md5:abc\"}],\"config\":{\"digest\":\"md5:x\"}}"
                .getBytes(StandardCharsets.UTF_8), null, "where")).hasMessageContaining("where").hasMessageContaining("sha256");
        assertThatThrownBy(() -> Manifest.parse("<html>".getBytes(StandardCharsets.UTF_8), null, "where")).hasMessageContaining("not JSON");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "size {0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "''                      | has no \"size\"",
            "',\"size\":null'        | has no \"size\"",
            "',\"size\":\"12\"'      | \"size\" \"12\" is not a whole number of bytes",
            "',\"size\":1.5'         | \"size\" 1.5 is not a whole number of bytes",
            "',\"size\":1e30'        | \"size\" 1.0E30 is not a whole number of bytes",
            "',\"size\":99999999999999999999' | \"size\" 99999999999999999999 is not a whole number of bytes",
    })
    void aBlobDescriptorWithoutAWholeNumberSizeIsMalformedNamingTheBlobAndTheField(String sizeField, String problem) {
        String json = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":1,\"digest\":\"%s\"},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\"" + sizeField + "}]}")
                .formatted(A, B);
        assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), null, "reg/ns/is@sha256:x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reg/ns/is@sha256:x")
                .hasMessageContaining("blob " + B + " " + problem);
    }

    @Test
    void theDigestIsOfTheExactBytes() {
        String json = "{\"schemaVersion\":2,\"manifests\":[]}";
        assertThat(Manifest.parse(json.getBytes(StandardCharsets.UTF_8), null, "x").digest()).isEqualTo(Digest.of(json));
    }

    static Manifest parse(String template, String contentType) {
        return Manifest.parse(template.formatted(A, B, C).getBytes(StandardCharsets.UTF_8), contentType, "test");
    }
}
