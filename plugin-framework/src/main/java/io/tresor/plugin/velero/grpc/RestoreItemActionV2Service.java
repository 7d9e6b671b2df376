package io.tresor.plugin.velero.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Empty;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.goplugin.LazyProtoMarshaller;
import io.tresor.plugin.velero.ItemJson;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.v2.RestoreItemActionAppliesToRequest;
import io.tresor.proto.velero.v2.RestoreItemActionAppliesToResponse;
import io.tresor.proto.velero.v2.RestoreItemActionCancelRequest;
import io.tresor.proto.velero.v2.RestoreItemActionExecuteRequest;
import io.tresor.proto.velero.v2.RestoreItemActionExecuteResponse;
import io.tresor.proto.velero.v2.RestoreItemActionGrpc;
import io.tresor.proto.velero.v2.RestoreItemActionItemsReadyRequest;
import io.tresor.proto.velero.v2.RestoreItemActionItemsReadyResponse;
import io.tresor.proto.velero.v2.RestoreItemActionProgressRequest;
import io.tresor.proto.velero.v2.RestoreItemActionProgressResponse;

import java.util.concurrent.Executor;

/** {@code /v2.RestoreItemAction/*}: RestoreItemAction v2 with operations and additional-item readiness. */
public final class RestoreItemActionV2Service implements RestoreItemActionGrpc.AsyncService, BindableService {
    private final PluginRegistry registry;

    private final UnaryCall calls;

    /** Blocking actions run on {@code workers}; the server calls this service on its I/O thread. */
    public RestoreItemActionV2Service(PluginRegistry registry, Executor workers) {
        this.registry = registry;
        this.calls = new UnaryCall(workers, registry, PluginKind.RESTORE_ITEM_ACTION_V2);
    }

    private RestoreItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.RESTORE_ITEM_ACTION_V2, plugin, RestoreItemAction.class);
    }

    /**
     * The generated binding with one change: Cancel's google.protobuf.Empty response is marshalled lazily, so that
     * binding this service initialises none of protobuf's own message classes (see {@link LazyProtoMarshaller}).
     */
    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(RestoreItemActionGrpc.SERVICE_NAME)
                .addMethod(RestoreItemActionGrpc.getAppliesToMethod(), ServerCalls.asyncUnaryCall(this::appliesTo))
                .addMethod(RestoreItemActionGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall(this::execute))
                .addMethod(RestoreItemActionGrpc.getProgressMethod(), ServerCalls.asyncUnaryCall(this::progress))
                .addMethod(RestoreItemActionGrpc.getAreAdditionalItemsReadyMethod(),
                        ServerCalls.asyncUnaryCall(this::areAdditionalItemsReady))
                .addMethod(LazyProtoMarshaller.unary(RestoreItemActionGrpc.SERVICE_NAME, "Cancel",
                        RestoreItemActionCancelRequest.getDefaultInstance(), Empty::getDefaultInstance),
                        ServerCalls.asyncUnaryCall(this::cancel))
                .build();
    }

    @Override
    public void appliesTo(RestoreItemActionAppliesToRequest request,
                          StreamObserver<RestoreItemActionAppliesToResponse> observer) {
        UnaryCall.answerNow(observer, "AppliesTo", request.getPlugin(), () -> RestoreItemActionAppliesToResponse.newBuilder()
                .setResourceSelector(ProtoConvert.selector(action(request.getPlugin()).appliesTo()))
                .build());
    }

    @Override
    public void execute(RestoreItemActionExecuteRequest request,
                        StreamObserver<RestoreItemActionExecuteResponse> observer) {
        calls.answer(observer, "Execute", request.getPlugin(), () -> {
            ItemCalls.RestoreOutcome o = ItemCalls.restore(action(request.getPlugin()), request.getPlugin(),
                    request.getItem(), request.getItemFromBackup(), request.getRestore());
            java.time.Duration timeout = o.result().additionalItemsReadyTimeout();
            return RestoreItemActionExecuteResponse.newBuilder()
                    .setItem(o.item())
                    .addAllAdditionalItems(ProtoConvert.identifiers(o.result().additionalItems()))
                    .setSkipRestore(o.result().skipRestore())
                    .setOperationID(o.result().operationId())
                    .setWaitForAdditionalItems(o.result().waitForAdditionalItems())
                    .setAdditionalItemsReadyTimeout(Duration.newBuilder()
                            .setSeconds(timeout.getSeconds()).setNanos(timeout.getNano()))
                    .build();
        });
    }

    @Override
    public void progress(RestoreItemActionProgressRequest request,
                         StreamObserver<RestoreItemActionProgressResponse> observer) {
        calls.answer(observer, "Progress", request.getPlugin(), () -> RestoreItemActionProgressResponse.newBuilder()
                .setProgress(ProtoConvert.progress(action(request.getPlugin()).progress(request.getOperationID(),
                        ItemJson.parseObject(request.getRestore(), "restore"))))
                .build());
    }

    @Override
    public void cancel(RestoreItemActionCancelRequest request, StreamObserver<Empty> observer) {
        calls.answer(observer, "Cancel", request.getPlugin(), () -> {
            action(request.getPlugin()).cancel(request.getOperationID(),
                    ItemJson.parseLazily(request.getRestore(), "restore"));
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void areAdditionalItemsReady(RestoreItemActionItemsReadyRequest request,
                                        StreamObserver<RestoreItemActionItemsReadyResponse> observer) {
        calls.answer(observer, "AreAdditionalItemsReady", request.getPlugin(), () ->
                RestoreItemActionItemsReadyResponse.newBuilder()
                        .setReady(action(request.getPlugin()).areAdditionalItemsReady(
                                ProtoConvert.fromProto(request.getAdditionalItemsList()),
                                ItemJson.parseLazily(request.getRestore(), "restore")))
                        .build());
    }
}
