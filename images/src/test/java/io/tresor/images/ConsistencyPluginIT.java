package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tresor.freeze.client.testing.ConsistencyBed;
import io.tresor.freeze.testing.LoopVolume;
import io.tresor.plugin.testkit.MethodPath;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.proto.freeze.v1.LeaseState;
import io.tresor.proto.freeze.v1.LeaseStatus;
import io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.v2.BackupItemActionAppliesToResponse;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thaw action through the real {@code tresor} executable, driven the way Velero drives it, against the real
 * freeze agent holding a real FIFREEZE on a loop ext4 (root only). The plugin finds the cluster through a
 * kubeconfig and authenticates to the agent with that kubeconfig's (Velero's) token.
 */
class ConsistencyPluginIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theShippedExecutableThawsAFrozenSnapshotAndRecordsItOnTheBackedUpItem(@TempDir Path tmp) throws Exception {
        LoopVolume.assumeRoot();
        try (ConsistencyBed bed = new ConsistencyBed()) {
            ConsistencyBed.Volume v = bed.volume(true);
            String name = "velero-" + v.pvc() + "-e2e01";
            LeaseStatus lease = bed.freezeAsWebhook(v, name, "nightly-1", 60);
            assertThat(lease.getState()).as(lease.getSkipReason()).isEqualTo(LeaseState.FROZEN);
            GenericKubernetesResource vs = bed.cluster.veleroSnapshot(ConsistencyBed.NS, name, v.pvc(), "nightly-1");
            CompletableFuture<Void> blocked = v.fs().write();

            Path kubeconfig = tmp.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: mock, cluster: {server: "%s"}}]
                    users: [{name: velero, user: {token: %s}}]
                    contexts: [{name: mock, context: {cluster: mock, user: velero, namespace: openshift-adp}}]
                    current-context: mock
                    """.formatted(bed.cluster.url(), io.tresor.freeze.client.testing.TestCluster.VELERO_TOKEN));
            try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped(), PluginProcess.VELERO_SERVER_ARGS,
                    // the test agent serves plaintext: off, so that a host with OpenShift's service CA (CI in a pod)
                    // does not turn the plugin's calls to TLS
                    Map.of("KUBECONFIG", kubeconfig.toString(), "TMPDIR", tmp.toString(), "TRESOR_FREEZE_AGENT_TLS", "off"))) {
                BackupItemActionAppliesToResponse applies = MethodPath.call(plugin.channel(),
                        "/v2.BackupItemAction/AppliesTo", BackupItemActionAppliesToRequest.newBuilder()
                                .setPlugin("tresor.io/volumesnapshot-thaw").build(),
                        BackupItemActionAppliesToResponse.getDefaultInstance());
                assertThat(applies.getResourceSelector().getIncludedResourcesList())
                        .containsExactly("volumesnapshots.snapshot.storage.k8s.io");
                assertThat(blocked).as("still frozen before Velero calls the action").isNotDone();
                // Velero asks AppliesTo when the backup starts and sends items later: the cluster client warms up then
                Thread.sleep(2000);

                ExecuteRequest execute = ExecuteRequest.newBuilder().setPlugin("tresor.io/volumesnapshot-thaw")
                        .setItem(ByteString.copyFrom(Serialization.asJson(vs), StandardCharsets.UTF_8))
                        .setBackup(ByteString.copyFromUtf8("{\"metadata\":{\"name\":\"nightly-1\","
                                + "\"namespace\":\"openshift-adp\"},\"spec\":{\"includedNamespaces\":[\"shop\"]},"
                                + "\"status\":{\"phase\":\"InProgress\"}}"))
                        .build();
                long t0 = System.nanoTime();
                ExecuteResponse r = MethodPath.call(plugin.channel(), "/v2.BackupItemAction/Execute", execute,
                        ExecuteResponse.getDefaultInstance());
                long executeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                long t1 = System.nanoTime();
                ExecuteResponse again = MethodPath.call(plugin.channel(), "/v2.BackupItemAction/Execute", execute,
                        ExecuteResponse.getDefaultInstance());
                long againMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
                assertThat(JSON.readTree(again.getItem().toStringUtf8()).path("metadata").path("annotations")
                        .path("tresor.io/consistency").asText()).as("Thaw is idempotent").isEqualTo("frozen");
                blocked.get(5, TimeUnit.SECONDS);
                JsonNode item = JSON.readTree(r.getItem().toStringUtf8());
                assertThat(item.path("metadata").path("annotations").path("tresor.io/consistency").asText())
                        .isEqualTo("frozen");
                assertThat(item.path("metadata").path("name").asText()).isEqualTo(name);
                assertThat(plugin.shutdown().status()).isZero();
                assertThat(plugin.stderrLines()).anyMatch(l -> l.contains("\"@level\":\"info\"")
                        && l.contains("tresor thawed the filesystem of PVC shop/" + v.pvc()));
                assertThat(PluginLifecycleIT.warnOrErrorLines(plugin.stderrLines())).isEmpty();
                System.err.println("consistency e2e: thaw Execute through the plugin: first " + executeMs
                        + " ms (2 s after AppliesTo, which starts creating the cluster client), again " + againMs + " ms");
            }
        }
    }
}
