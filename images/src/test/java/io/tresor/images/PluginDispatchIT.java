package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.tresor.plugin.testkit.MethodPath;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.plugin.testkit.actions.TestActions;
import io.tresor.proto.velero.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.BackupItemActionAppliesToResponse;
import io.tresor.proto.velero.DeleteItemActionAppliesToRequest;
import io.tresor.proto.velero.DeleteItemActionAppliesToResponse;
import io.tresor.proto.velero.DeleteItemActionExecuteRequest;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ExecuteRequest;
import io.tresor.proto.velero.ExecuteResponse;
import io.tresor.proto.velero.ResourceIdentifier;
import io.tresor.proto.velero.RestoreItemActionAppliesToRequest;
import io.tresor.proto.velero.RestoreItemActionAppliesToResponse;
import io.tresor.proto.velero.RestoreItemActionExecuteRequest;
import io.tresor.proto.velero.RestoreItemActionExecuteResponse;
import io.tresor.proto.velero.Stack;
import io.tresor.proto.velero.v2.BackupItemActionCancelRequest;
import io.tresor.proto.velero.v2.BackupItemActionProgressRequest;
import io.tresor.proto.velero.v2.BackupItemActionProgressResponse;
import io.tresor.proto.velero.v2.RestoreItemActionCancelRequest;
import io.tresor.proto.velero.v2.RestoreItemActionItemsReadyRequest;
import io.tresor.proto.velero.v2.RestoreItemActionItemsReadyResponse;
import io.tresor.proto.velero.v2.RestoreItemActionProgressRequest;
import io.tresor.proto.velero.v2.RestoreItemActionProgressResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every Velero method path of protocol doc §3.1 through the real executable, with real protobuf bytes. */
class PluginDispatchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final ByteString POD = json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-0\","
            + "\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"volumes\":[{\"name\":\"d\","
            + "\"persistentVolumeClaim\":{\"claimName\":\"data-web-0\"}}]}}");
    static final ByteString PVC = json("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\","
            + "\"metadata\":{\"name\":\"data-web-0\",\"namespace\":\"shop\"}}");
    static final ByteString BACKUP = json("{\"metadata\":{\"name\":\"nightly-1\",\"namespace\":\"openshift-adp\"},"
            + "\"spec\":{\"includedNamespaces\":[\"shop\"]},\"status\":{\"phase\":\"InProgress\"}}");
    static final ByteString RESTORE = json("{\"apiVersion\":\"velero.io/v1\",\"kind\":\"Restore\","
            + "\"metadata\":{\"name\":\"r1\",\"namespace\":\"openshift-adp\"},\"spec\":{\"backupName\":\"nightly-1\"}}");
    static final ByteString CONFIGMAP = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"cfg\",\"namespace\":\"shop\"},\"data\":{\"a\":\"b\"}}");
    static final ByteString IMAGESTREAM = json("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\","
            + "\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"}}");

    private static PluginProcess plugin;

    @BeforeAll
    static void start() throws Exception {
        plugin = PluginProcess.start(PluginTrees.withTestActions());
    }

    @AfterAll
    static void stop() {
        PluginProcess.Exit exit = plugin.shutdown();
        assertThat(exit.status()).isZero();
        assertThat(plugin.stdoutAfterHandshake()).isEmpty();
        plugin.close();
    }

    @Test
    void backupItemActionV1AppliesToAndExecute() throws Exception {
        BackupItemActionAppliesToResponse applies = call("/generated.BackupItemAction/AppliesTo",
                BackupItemActionAppliesToRequest.newBuilder().setPlugin(TestActions.ANNOTATE_V1).build(),
                BackupItemActionAppliesToResponse.getDefaultInstance());
        assertThat(applies.getResourceSelector().getIncludedResourcesList()).containsExactly("pods");
        assertThat(applies.getResourceSelector().getIncludedNamespacesList()).containsExactly("shop");
        assertThat(applies.getResourceSelector().getSelector()).isEqualTo("app=web");

        ExecuteResponse r = call("/generated.BackupItemAction/Execute", ExecuteRequest.newBuilder()
                .setPlugin(TestActions.ANNOTATE_V1).setItem(POD).setBackup(BACKUP).build(),
                ExecuteResponse.getDefaultInstance());
        JsonNode item = JSON.readTree(r.getItem().toByteArray());
        assertThat(item.path("metadata").path("annotations").path("tresor.io/test-backup").asText()).isEqualTo("nightly-1");
        assertThat(item.path("kind").asText()).isEqualTo("Pod");
        assertThat(r.getAdditionalItemsList()).containsExactly(ResourceIdentifier.newBuilder()
                .setGroup("").setResource("persistentvolumeclaims").setNamespace("shop").setName("data-web-0").build());
    }

    @Test
    void backupItemActionV2ExecuteProgressCancel() {
        var applies = call("/v2.BackupItemAction/AppliesTo",
                io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder().setPlugin(TestActions.ASYNC).build(),
                io.tresor.proto.velero.v2.BackupItemActionAppliesToResponse.getDefaultInstance());
        assertThat(applies.getResourceSelector().getIncludedResourcesList()).containsExactly("persistentvolumeclaims");

        var r = call("/v2.BackupItemAction/Execute", io.tresor.proto.velero.v2.ExecuteRequest.newBuilder()
                .setPlugin(TestActions.ASYNC).setItem(PVC).setBackup(BACKUP).build(),
                io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance());
        assertThat(r.getItem()).as("unchanged item is echoed byte for byte").isEqualTo(PVC);
        assertThat(r.getOperationID()).isEqualTo("op-shop-data-web-0");
        assertThat(r.getPostOperationItemsList()).extracting(ResourceIdentifier::getName).containsExactly("data-web-0");

        BackupItemActionProgressResponse done = call("/v2.BackupItemAction/Progress",
                BackupItemActionProgressRequest.newBuilder().setPlugin(TestActions.ASYNC)
                        .setOperationID(r.getOperationID()).setBackup(BACKUP).build(),
                BackupItemActionProgressResponse.getDefaultInstance());
        assertThat(done.hasProgress()).isTrue();
        assertThat(done.getProgress().getCompleted()).isTrue();
        assertThat(done.getProgress().getErr()).isEmpty();
        assertThat(done.getProgress().getDescription()).isEqualTo("done for backup nightly-1");
        assertThat(done.getProgress().getStarted().getSeconds()).isEqualTo(1796119200L);

        BackupItemActionProgressResponse running = call("/v2.BackupItemAction/Progress",
                BackupItemActionProgressRequest.newBuilder().setPlugin(TestActions.ASYNC)
                        .setOperationID("op-x-running").setBackup(BACKUP).build(),
                BackupItemActionProgressResponse.getDefaultInstance());
        assertThat(running.getProgress().getCompleted()).isFalse();
        assertThat(running.getProgress().getNCompleted()).isEqualTo(3);
        assertThat(running.getProgress().getNTotal()).isEqualTo(10);
        assertThat(running.getProgress().getUpdated().getSeconds()).as("unknown = Go zero time").isEqualTo(-62135596800L);

        BackupItemActionProgressResponse failed = call("/v2.BackupItemAction/Progress",
                BackupItemActionProgressRequest.newBuilder().setPlugin(TestActions.ASYNC)
                        .setOperationID("op-x-failed").setBackup(BACKUP).build(),
                BackupItemActionProgressResponse.getDefaultInstance());
        assertThat(failed.getProgress().getCompleted()).isTrue();
        assertThat(failed.getProgress().getErr()).contains("image copy failed");

        com.google.protobuf.Empty cancelled = call("/v2.BackupItemAction/Cancel", BackupItemActionCancelRequest.newBuilder()
                .setPlugin(TestActions.ASYNC).setOperationID(r.getOperationID()).setBackup(BACKUP).build(),
                com.google.protobuf.Empty.getDefaultInstance());
        assertThat(cancelled).isNotNull();
    }

    @Test
    void restoreItemActionV1() throws Exception {
        var applies = call("/generated.RestoreItemAction/AppliesTo", RestoreItemActionAppliesToRequest.newBuilder()
                .setPlugin(TestActions.RESTORE_V1).build(), RestoreItemActionAppliesToResponse.getDefaultInstance());
        assertThat(applies.getResourceSelector().getIncludedResourcesList()).containsExactly("configmaps", "secrets");

        RestoreItemActionExecuteResponse r = call("/generated.RestoreItemAction/Execute",
                RestoreItemActionExecuteRequest.newBuilder().setPlugin(TestActions.RESTORE_V1).setItem(CONFIGMAP)
                        .setItemFromBackup(CONFIGMAP).setRestore(RESTORE).build(),
                RestoreItemActionExecuteResponse.getDefaultInstance());
        assertThat(JSON.readTree(r.getItem().toByteArray()).at("/metadata/labels/tresor.io~1restored-by").asText())
                .isEqualTo("r1");
        assertThat(r.getSkipRestore()).isFalse();
        assertThat(r.getAdditionalItemsList()).extracting(ResourceIdentifier::getResource, ResourceIdentifier::getName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("secrets", "app-secret"));

        ByteString marked = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\","
                + "\"namespace\":\"shop\",\"annotations\":{\"tresor.io/test-skip\":\"\"}}}");
        RestoreItemActionExecuteResponse skipped = call("/generated.RestoreItemAction/Execute",
                RestoreItemActionExecuteRequest.newBuilder().setPlugin(TestActions.RESTORE_V1).setItem(CONFIGMAP)
                        .setItemFromBackup(marked).setRestore(RESTORE).build(),
                RestoreItemActionExecuteResponse.getDefaultInstance());
        assertThat(skipped.getSkipRestore()).isTrue();
        assertThat(skipped.getItem()).as("item is mandatory even when skipped").isEqualTo(CONFIGMAP);
    }

    @Test
    void restoreItemActionV2AllMethods() {
        var applies = call("/v2.RestoreItemAction/AppliesTo",
                io.tresor.proto.velero.v2.RestoreItemActionAppliesToRequest.newBuilder().setPlugin(TestActions.RESTORE_V2).build(),
                io.tresor.proto.velero.v2.RestoreItemActionAppliesToResponse.getDefaultInstance());
        assertThat(applies.getResourceSelector().getIncludedResourcesList()).containsExactly("imagestreams.image.openshift.io");

        var r = call("/v2.RestoreItemAction/Execute", io.tresor.proto.velero.v2.RestoreItemActionExecuteRequest.newBuilder()
                .setPlugin(TestActions.RESTORE_V2).setItem(IMAGESTREAM).setItemFromBackup(IMAGESTREAM)
                .setRestore(RESTORE).build(), io.tresor.proto.velero.v2.RestoreItemActionExecuteResponse.getDefaultInstance());
        assertThat(r.getItem()).isEqualTo(IMAGESTREAM);
        assertThat(r.getOperationID()).isEqualTo("restore-op-web");
        assertThat(r.getWaitForAdditionalItems()).isTrue();
        assertThat(r.getAdditionalItemsReadyTimeout().getSeconds()).isEqualTo(90);

        RestoreItemActionProgressResponse p = call("/v2.RestoreItemAction/Progress", RestoreItemActionProgressRequest
                .newBuilder().setPlugin(TestActions.RESTORE_V2).setOperationID("restore-op-web").setRestore(RESTORE).build(),
                RestoreItemActionProgressResponse.getDefaultInstance());
        assertThat(p.getProgress().getCompleted()).isTrue();
        assertThat(p.getProgress().getDescription()).isEqualTo("restored restore-op-web");

        call("/v2.RestoreItemAction/Cancel", RestoreItemActionCancelRequest.newBuilder().setPlugin(TestActions.RESTORE_V2)
                .setOperationID("restore-op-web").setRestore(RESTORE).build(), com.google.protobuf.Empty.getDefaultInstance());

        RestoreItemActionItemsReadyResponse ready = call("/v2.RestoreItemAction/AreAdditionalItemsReady",
                RestoreItemActionItemsReadyRequest.newBuilder().setPlugin(TestActions.RESTORE_V2).setRestore(RESTORE)
                        .addAdditionalItems(r.getAdditionalItems(0)).build(),
                RestoreItemActionItemsReadyResponse.getDefaultInstance());
        assertThat(ready.getReady()).isTrue();
        RestoreItemActionItemsReadyResponse notReady = call("/v2.RestoreItemAction/AreAdditionalItemsReady",
                RestoreItemActionItemsReadyRequest.newBuilder().setPlugin(TestActions.RESTORE_V2).setRestore(RESTORE)
                        .addAdditionalItems(ResourceIdentifier.newBuilder().setResource("secrets").setNamespace("shop")
                                .setName("pending")).build(),
                RestoreItemActionItemsReadyResponse.getDefaultInstance());
        assertThat(notReady.getReady()).isFalse();
    }

    @Test
    void deleteItemAction() {
        var applies = call("/generated.DeleteItemAction/AppliesTo", DeleteItemActionAppliesToRequest.newBuilder()
                .setPlugin(TestActions.DELETE).build(), DeleteItemActionAppliesToResponse.getDefaultInstance());
        assertThat(applies.getResourceSelector().getIncludedResourcesList()).containsExactly("imagestreams.image.openshift.io");
        Empty ok = call("/generated.DeleteItemAction/Execute", DeleteItemActionExecuteRequest.newBuilder()
                .setPlugin(TestActions.DELETE).setItem(IMAGESTREAM).setBackup(BACKUP).build(), Empty.getDefaultInstance());
        assertThat(ok).isNotNull();
        ByteString failing = json("{\"kind\":\"ImageStream\",\"metadata\":{\"name\":\"web\",\"annotations\":"
                + "{\"tresor.io/test-delete-fail\":\"\"}}}");
        assertThatThrownBy(() -> call("/generated.DeleteItemAction/Execute", DeleteItemActionExecuteRequest.newBuilder()
                .setPlugin(TestActions.DELETE).setItem(failing).setBackup(BACKUP).build(), Empty.getDefaultInstance()))
                .hasMessageContaining("UNKNOWN").hasMessageContaining("cannot delete images of web: test failure");
    }

    @Test
    void unknownPluginNameIsAnErrorNamingIt() {
        assertThatThrownBy(() -> call("/v2.BackupItemAction/Execute", io.tresor.proto.velero.v2.ExecuteRequest.newBuilder()
                .setPlugin("tresor.io/nope").setItem(POD).setBackup(BACKUP).build(),
                io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessage("UNKNOWN: BackupItemActionV2 plugin: tresor.io/nope was not found or has an invalid name format");
        // A v1 name is not served on the v2 path (Velero would never mix them either).
        assertThatThrownBy(() -> call("/v2.BackupItemAction/AppliesTo",
                io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder().setPlugin(TestActions.ANNOTATE_V1).build(),
                io.tresor.proto.velero.v2.BackupItemActionAppliesToResponse.getDefaultInstance()))
                .hasMessageContaining("not found");
    }

    @Test
    void malformedItemBytesAreAClearErrorAndTheProcessKeepsServing() {
        for (String bad : new String[] {"", "{not json", "[1,2]", "\"text\"", "{\"kind\":\"Pod\"} trailing"}) {
            assertThatThrownBy(() -> call("/v2.BackupItemAction/Execute", io.tresor.proto.velero.v2.ExecuteRequest.newBuilder()
                    .setPlugin(TestActions.PASSTHROUGH).setItem(json(bad)).setBackup(BACKUP).build(),
                    io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()))
                    .as("item %s", bad)
                    .hasMessageStartingWith("UNKNOWN: request field 'item'");
        }
        var ok = call("/v2.BackupItemAction/Execute", io.tresor.proto.velero.v2.ExecuteRequest.newBuilder()
                .setPlugin(TestActions.PASSTHROUGH).setItem(POD).setBackup(BACKUP).build(),
                io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance());
        assertThat(ok.getItem()).isEqualTo(POD);
        assertThat(plugin.isAlive()).isTrue();
    }

    @Test
    void anActionErrorIsUnknownWithAStackDetailOfTheThrowSite() throws InvalidProtocolBufferException {
        StatusRuntimeException e = catchRpc(() -> call("/v2.BackupItemAction/Execute",
                io.tresor.proto.velero.v2.ExecuteRequest.newBuilder().setPlugin(TestActions.FAIL).setItem(POD)
                        .setBackup(BACKUP).build(), io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNKNOWN);
        assertThat(e.getStatus().getDescription()).isEqualTo("cannot back up web-0: test failure");
        Stack stack = stackOf(e);
        assertThat(stack.getFrames(0).getFile()).isEqualTo("io/tresor/plugin/testkit/actions/FailingAction.java");
        assertThat(stack.getFrames(0).getFunction()).isEqualTo("io.tresor.plugin.testkit.actions.FailingAction.execute");
        assertThat(stack.getFrames(0).getLine()).isPositive();
    }

    @Test
    void anUnexpectedExceptionIsAPanicAndTheProcessKeepsServing() throws InvalidProtocolBufferException {
        StatusRuntimeException e = catchRpc(() -> call("/v2.BackupItemAction/Execute",
                io.tresor.proto.velero.v2.ExecuteRequest.newBuilder().setPlugin(TestActions.PANIC).setItem(POD)
                        .setBackup(BACKUP).build(), io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.ABORTED);
        assertThat(e.getStatus().getDescription()).startsWith("plugin panicked: java.lang.NullPointerException");
        assertThat(stackOf(e).getFramesList()).anyMatch(f -> f.getFunction().endsWith("PanickingAction.execute"));

        StatusRuntimeException applies = catchRpc(() -> call("/v2.BackupItemAction/AppliesTo",
                io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder().setPlugin(TestActions.PANIC).build(),
                io.tresor.proto.velero.v2.BackupItemActionAppliesToResponse.getDefaultInstance()));
        assertThat(applies.getStatus().getDescription()).isEqualTo("plugin panicked: java.lang.IllegalStateException: appliesTo exploded");
        assertThat(plugin.isAlive()).isTrue();
        assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsCount())
                .isEqualTo(PluginLifecycleIT.TEST_ACTIONS + PluginLifecycleIT.SHIPPED.size());
    }

    @Test
    void twoHundredConcurrentExecutesEachGetTheirOwnItemBack() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ByteString item = json("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s-" + i
                        + "\",\"namespace\":\"shop\"}}");
                Callable<JsonNode> c = () -> JSON.readTree(call("/v2.BackupItemAction/Execute",
                        io.tresor.proto.velero.v2.ExecuteRequest.newBuilder().setPlugin(TestActions.CONCURRENCY)
                                .setItem(item).setBackup(BACKUP).build(),
                        io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()).getItem().toByteArray());
                results.add(pool.submit(c));
            }
            int maxInFlight = 0;
            for (int i = 0; i < 200; i++) {
                JsonNode item = results.get(i).get();
                assertThat(item.at("/metadata/name").asText()).isEqualTo("s-" + i);
                maxInFlight = Math.max(maxInFlight, item.at("/metadata/annotations/tresor.io~1max-in-flight").asInt());
            }
            assertThat(maxInFlight).as("calls overlapped in the plugin").isGreaterThan(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blockingActionsRunOnWorkersAndNonBlockingOnesOnTheIoThreadEvenWhileWorkersAreBusy() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<JsonNode>> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                slow.add(pool.submit(() -> executeOn(TestActions.CONCURRENCY)));
            }
            // sent while the twenty blocking calls are in flight
            assertThat(executeOn(TestActions.THREAD).at("/metadata/annotations/tresor.io~1thread").asText())
                    .startsWith("tresor-io-");
            for (Future<JsonNode> f : slow) {
                assertThat(f.get().at("/metadata/annotations/tresor.io~1thread").asText()).startsWith("tresor-action-");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode executeOn(String action) throws java.io.IOException {
        return JSON.readTree(call("/v2.BackupItemAction/Execute",
                io.tresor.proto.velero.v2.ExecuteRequest.newBuilder().setPlugin(action).setItem(POD).setBackup(BACKUP)
                        .build(), io.tresor.proto.velero.v2.ExecuteResponse.getDefaultInstance()).getItem().toByteArray());
    }

    private static Stack stackOf(StatusRuntimeException e) throws InvalidProtocolBufferException {
        Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        assertThat(status.getDetailsCount()).isEqualTo(1);
        assertThat(status.getDetails(0).getTypeUrl()).isEqualTo("type.googleapis.com/generated.Stack");
        return status.getDetails(0).unpack(Stack.class);
    }

    private static StatusRuntimeException catchRpc(Runnable r) {
        try {
            r.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected an RPC error");
    }

    static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message> R call(String path, Q req, R type) {
        return MethodPath.call(plugin.channel(), path, req, type);
    }

    static ByteString json(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
