package io.tresor.imagearchive.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tresor.imagearchive.Digest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ArchiveLayoutTest {
    static final String FP = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final Digest D = Digest.of("layer");

    @ParameterizedTest(name = "prefix ''{0}'' → root ''{1}''")
    @CsvSource(value = {
            "'',plugins/tresor/",
            "tenant-a,tenant-a/plugins/tresor/",
            "tenant-a/,tenant-a/plugins/tresor/",
            "/tenant-a/velero/,tenant-a/velero/plugins/tresor/",
            "NULL,plugins/tresor/"}, nullValues = "NULL")
    void everythingLivesUnderPluginsTresor(String prefix, String root) {
        ArchiveLayout layout = new ArchiveLayout(prefix);
        assertThat(layout.root()).isEqualTo(root);
        assertThat(layout.blob(FP, D)).isEqualTo(root + "k-" + FP + "/blobs/sha256/" + D.hex());
        assertThat(layout.imageIndex("nightly-20261201")).isEqualTo(root + "backups/nightly-20261201/images.json");
        assertThat(layout.inProgress("nightly-20261201")).isEqualTo(root + "inprogress/nightly-20261201");
        assertThat(layout.sweepState()).isEqualTo(root + "gc/sweep.json");
        assertThat(layout.sweepDeleting("p-1")).isEqualTo(root + "gc/deleting/p-1.json");
        assertThat(layout.veleroBackupsDirectory()).isEqualTo(root.replace("plugins/tresor/", "") + "backups/");
    }

    @Test
    void keysParseBack() {
        ArchiveLayout layout = new ArchiveLayout("tenant-a");
        assertThat(layout.blobDigest(FP, layout.blob(FP, D))).contains(D);
        assertThat(layout.blobDigest(FP, layout.blob(FP, D) + ".tmp")).isEmpty();
        assertThat(layout.blobDigest("00112233445566778899aabbccddeeff", layout.blob(FP, D))).isEmpty();
        assertThat(layout.imageIndexBackup(layout.imageIndex("ns-nab-1234"))).contains("ns-nab-1234");
        assertThat(layout.imageIndexBackup("tenant-a/plugins/tresor/backups/x/y/images.json")).isEmpty();
        assertThat(layout.imageStreamIndex("ns-nab-1234", "shop", "web.v2"))
                .isEqualTo("tenant-a/plugins/tresor/backups/ns-nab-1234/imagestreams/shop/web.v2.json");
        assertThat(layout.indexDocumentBackup(layout.imageStreamIndex("ns-nab-1234", "shop", "web"))).contains("ns-nab-1234");
        assertThat(layout.indexDocumentBackup(layout.imageIndex("ns-nab-1234"))).contains("ns-nab-1234");
        assertThat(layout.imageIndexBackup(layout.imageStreamIndex("ns-nab-1234", "shop", "web"))).as("not the legacy index").isEmpty();
        assertThat(layout.indexDocumentBackup("tenant-a/plugins/tresor/backups/b/imagestreams/shop/x/web.json")).isEmpty();
        assertThat(layout.indexDocumentBackup("tenant-a/plugins/tresor/backups/b/imagestreams/Shop/web.json")).isEmpty();
        assertThat(layout.indexDocumentBackup("tenant-a/plugins/tresor/backups/b/other.json")).isEmpty();
        assertThat(layout.backupIndexDirectory("b")).isEqualTo("tenant-a/plugins/tresor/backups/b/");
    }

    @Test
    void namesThatWouldEscapeTheirDirectoryAreRefused() {
        ArchiveLayout layout = new ArchiveLayout("tenant-a");
        assertThatThrownBy(() -> layout.imageIndex("../../backups/other")).hasMessageContaining("not a Velero backup name");
        assertThatThrownBy(() -> layout.inProgress("A/B")).hasMessageContaining("not a Velero backup name");
        assertThatThrownBy(() -> layout.blob("../k-x", D)).hasMessageContaining("not a key fingerprint");
        assertThatThrownBy(() -> layout.imageStreamIndex("b", "../other", "web"))
                .hasMessageContaining("not a Kubernetes namespace name: '../other'").hasMessageContaining("DNS-1123 label");
        assertThatThrownBy(() -> layout.imageStreamIndex("b", "shop", "web/../../x"))
                .hasMessageContaining("not an ImageStream name: 'web/../../x'").hasMessageContaining("OpenShift's rule");
        assertThatThrownBy(() -> layout.imageStreamIndex("b", "shop", "..")).hasMessageContaining("not an ImageStream name");
        assertThatThrownBy(() -> layout.imageStreamIndex("b", "shop", "Web")).hasMessageContaining("not an ImageStream name");
        // valid OpenShift ImageStream names that are not DNS-1123 subdomains
        assertThat(layout.imageStreamIndex("b", "shop", "my_app")).endsWith("/imagestreams/shop/my_app.json");
        assertThat(layout.imageStreamIndex("b", "shop", "a__b-c")).endsWith("/imagestreams/shop/a__b-c.json");
        // and the GC counts their documents (else it would delete the blobs they reference)
        assertThat(layout.indexDocumentBackup(layout.imageStreamIndex("b", "shop", "my_app"))).contains("b");
        assertThatThrownBy(() -> layout.imageStreamIndex("b", "a".repeat(64), "web")).hasMessageContaining("at most 63");
    }
}
