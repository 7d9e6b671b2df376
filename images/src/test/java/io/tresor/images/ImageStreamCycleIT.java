package io.tresor.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.actions.cluster.testing.ImageStreams.Item;
import io.tresor.imagearchive.testing.TestImages;
import io.tresor.plugin.testkit.MethodPath;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.proto.velero.DeleteItemActionExecuteRequest;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;
import io.tresor.proto.velero.v2.RestoreItemActionExecuteRequest;
import io.tresor.proto.velero.v2.RestoreItemActionExecuteResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup → restore into another namespace → backup deletion of an ImageStream through the shipped {@code tresor}
 * executable, called the way Velero calls it. The executable finds the mock API server the way any fabric8 program
 * outside a pod does ({@code KUBERNETES_MASTER}, kubeconfig and service account lookups off), and the registry through
 * the documented {@code TRESOR_REGISTRY_URL} override (the plain-HTTP test registry has no TLS).
 */
class ImageStreamCycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static ClusterFixture cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterFixture.start(dir, true);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static PluginProcess plugin() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_MASTER", cluster.apiUrl());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_SERVICE_HOST", null);
        env.put("KUBECONFIG", null);
        env.put("TRESOR_REGISTRY_URL", cluster.registryUrl());
        env.put("TRESOR_REGISTRY_TOKEN_FILE", dir.resolve("no-token").toString());
        env.put("TRESOR_GC_PASS_INTERVAL", "PT0S");
        return PluginProcess.start(PluginTrees.shipped(), PluginProcess.VELERO_SERVER_ARGS, env);
    }

    @Test
    void backupRestoreIntoAnotherNamespaceThenDeleteTheBackup() throws Exception {
        TestImages images = new TestImages(cluster.registryClient(), 11);
        TestImages.Pushed current = images.multiArch("shop/web", "latest", 400_000);
        TestImages.Pushed old = images.image("shop/web", null, false, "amd64", List.of(images.layer("shop/web", 300_000, false)));
        String host = cluster.registryHost();
        Map<String, List<Item>> history = new LinkedHashMap<>();
        history.put("latest", List.of(new Item(host + "/shop/web@" + current.digest(), current.digest().toString(), "2026-11-30T10:00:00Z"),
                new Item(host + "/shop/web@" + old.digest(), old.digest().toString(), "2026-11-01T10:00:00Z")));
        ObjectNode imageStream = ImageStreams.imageStream("shop", "web", host, history);
        cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup("cycle-1", "shop"));

        ByteString backedUp;
        try (PluginProcess plugin = plugin()) {
            ExecuteResponse r = MethodPath.call(plugin.channel(), "/v2.BackupItemAction/Execute", ExecuteRequest.newBuilder()
                    .setPlugin("tresor.io/imagestream-capture").setItem(bytes(imageStream))
                    .setBackup(bytes(ImageStreams.backup("cycle-1", "shop"))).build(), ExecuteResponse.getDefaultInstance());
            assertThat(r.getOperationID()).as("synchronous capture").isEmpty();
            backedUp = r.getItem();
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(plugin.stderrLines()).anyMatch(l -> l.contains("\"@message\":\"image captured\"") && l.contains("\"imagestream\":\"shop/web\""))
                    .noneMatch(l -> l.contains("\"@level\":\"error\"") || l.contains("\"@level\":\"warn\""));
        }
        ObjectNode item = (ObjectNode) JSON.readTree(backedUp.toByteArray());
        assertThat(item.path("metadata").path("annotations").path("tresor.io/image-index").asText())
                .isEqualTo("plugins/tresor/backups/cycle-1/imagestreams/shop/web.json");
        cluster.veleroBackupUploaded("cycle-1");

        try (PluginProcess plugin = plugin()) {
            ObjectNode restore = ImageStreams.restore("cycle-restore", "cycle-1", "shop", "shop-restored");
            RestoreItemActionExecuteResponse r = MethodPath.call(plugin.channel(), "/v2.RestoreItemAction/Execute",
                    RestoreItemActionExecuteRequest.newBuilder().setPlugin("tresor.io/imagestream-restore")
                            .setItem(bytes(ImageStreams.prepared(item))).setItemFromBackup(backedUp).setRestore(bytes(restore)).build(),
                    RestoreItemActionExecuteResponse.getDefaultInstance());
            assertThat(r.getSkipRestore()).isTrue();
            // Velero restores the backup's imagestreamtags after the ImageStreams: the ImageStream restore has their tags
            ObjectNode istag = ClusterFixture.json("""
                    {"apiVersion":"image.openshift.io/v1","kind":"ImageStreamTag","metadata":{"name":"web:latest","namespace":"shop"},
                     "tag":{"name":"latest"},"image":{"metadata":{"name":"%s"},"dockerImageReference":"%s/shop/web@%s"}}
                    """.formatted(current.digest(), host, current.digest()));
            RestoreItemActionExecuteResponse tag = MethodPath.call(plugin.channel(), "/v2.RestoreItemAction/Execute",
                    RestoreItemActionExecuteRequest.newBuilder().setPlugin("tresor.io/imagestreamtag-skip")
                            .setItem(bytes(istag)).setItemFromBackup(bytes(istag)).setRestore(bytes(restore)).build(),
                    RestoreItemActionExecuteResponse.getDefaultInstance());
            assertThat(tag.getSkipRestore()).as("the ImageStreamTag is not created").isTrue();
            assertThat(plugin.shutdown().status()).isZero();
        }
        assertThat(ApiResources.get(cluster.client(), ApiResources.IMAGE_STREAM, "shop-restored", "web")).isPresent();
        assertThat(cluster.registryClient().manifest("shop-restored/web", "latest").orElseThrow().digest()).isEqualTo(current.digest());
        assertThat(cluster.registryClient().manifest("shop-restored/web", old.digest().toString())).isPresent();

        try (PluginProcess plugin = plugin()) {
            for (int i = 0; i < 2; i++) { // Velero calls it once per ImageStream of the backup
                MethodPath.call(plugin.channel(), "/generated.DeleteItemAction/Execute", DeleteItemActionExecuteRequest.newBuilder()
                        .setPlugin("tresor.io/imagestream-gc").setItem(backedUp).setBackup(bytes(ImageStreams.backup("cycle-1", "shop")))
                        .build(), Empty.getDefaultInstance());
            }
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(plugin.stderrLines()).filteredOn(l -> l.contains("image archive swept")).hasSize(1);
        }
        assertThat(cluster.storedKeys("plugins/tresor/backups/")).isEmpty();
        assertThat(cluster.s3().topLevel(ClusterFixture.BUCKET, ClusterFixture.PREFIX)).isSubsetOf("plugins/", "backups/");
    }

    private static ByteString bytes(ObjectNode node) {
        return ByteString.copyFrom(node.toString(), StandardCharsets.UTF_8);
    }
}
