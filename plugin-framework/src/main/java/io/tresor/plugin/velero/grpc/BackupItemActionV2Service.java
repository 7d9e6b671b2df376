package io.tresor.plugin.velero.grpc;

import com.google.protobuf.Empty;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.goplugin.LazyProtoMarshaller;
import io.tresor.plugin.velero.ItemJson;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.v2.BackupItemActionAppliesToResponse;
import io.tresor.proto.velero.v2.BackupItemActionCancelRequest;
import io.tresor.proto.velero.v2.BackupItemActionGrpc;
import io.tresor.proto.velero.v2.BackupItemActionProgressRequest;
import io.tresor.proto.velero.v2.BackupItemActionProgressResponse;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;

import java.util.concurrent.Executor;

/** {@code /v2.BackupItemAction/*}: BackupItemAction v2 with asynchronous operations. */
public final class BackupItemActionV2Service implements BackupItemActionGrpc.AsyncService, BindableService {
    private final PluginRegistry registry;

    private final UnaryCall calls;

    /** Blocking actions run on {@code workers}; the server calls this service on its I/O thread. */
    public BackupItemActionV2Service(PluginRegistry registry, Executor workers) {
        this.registry = registry;
        this.calls = new UnaryCall(workers, registry, PluginKind.BACKUP_ITEM_ACTION_V2);
    }

    private BackupItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.BACKUP_ITEM_ACTION_V2, plugin, BackupItemAction.class);
    }

    /**
     * The generated binding with one change: Cancel's google.protobuf.Empty response is marshalled lazily, so that
     * binding this service initialises none of protobuf's own message classes (see {@link LazyProtoMarshaller}).
     */
    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(BackupItemActionGrpc.SERVICE_NAME)
                .addMethod(BackupItemActionGrpc.getAppliesToMethod(), ServerCalls.asyncUnaryCall(this::appliesTo))
                .addMethod(BackupItemActionGrpc.getExecuteMethod(), ServerCalls.asyncUnaryCall(this::execute))
                .addMethod(BackupItemActionGrpc.getProgressMethod(), ServerCalls.asyncUnaryCall(this::progress))
                .addMethod(LazyProtoMarshaller.unary(BackupItemActionGrpc.SERVICE_NAME, "Cancel",
                        BackupItemActionCancelRequest.getDefaultInstance(), Empty::getDefaultInstance),
                        ServerCalls.asyncUnaryCall(this::cancel))
                .build();
    }

    @Override
    public void appliesTo(BackupItemActionAppliesToRequest request,
                          StreamObserver<BackupItemActionAppliesToResponse> observer) {
        UnaryCall.answerNow(observer, "AppliesTo", request.getPlugin(), () -> BackupItemActionAppliesToResponse.newBuilder()
                .setResourceSelector(ProtoConvert.selector(action(request.getPlugin()).appliesTo()))
                .build());
    }

    @Override
    public void execute(ExecuteRequest request, StreamObserver<ExecuteResponse> observer) {
        calls.answer(observer, "Execute", request.getPlugin(), () -> {
            ItemCalls.BackupOutcome o = ItemCalls.backup(action(request.getPlugin()), request.getPlugin(),
                    request.getItem(), request.getBackup());
            ExecuteResponse.Builder b = ExecuteResponse.newBuilder()
                    .setItem(o.item())
                    .addAllAdditionalItems(ProtoConvert.identifiers(o.result().additionalItems()))
                    .setOperationID(o.result().operationId());
            if (!o.result().operationId().isEmpty()) {
                b.addAllPostOperationItems(ProtoConvert.identifiers(o.result().postOperationItems()));
            }
            return b.build();
        });
    }

    @Override
    public void progress(BackupItemActionProgressRequest request,
                         StreamObserver<BackupItemActionProgressResponse> observer) {
        calls.answer(observer, "Progress", request.getPlugin(), () -> BackupItemActionProgressResponse.newBuilder()
                .setProgress(ProtoConvert.progress(action(request.getPlugin()).progress(request.getOperationID(),
                        ItemJson.parseObject(request.getBackup(), "backup"))))
                .build());
    }

    @Override
    public void cancel(BackupItemActionCancelRequest request, StreamObserver<Empty> observer) {
        calls.answer(observer, "Cancel", request.getPlugin(), () -> {
            action(request.getPlugin()).cancel(request.getOperationID(),
                    ItemJson.parseLazily(request.getBackup(), "backup"));
            return Empty.getDefaultInstance();
        });
    }
}
