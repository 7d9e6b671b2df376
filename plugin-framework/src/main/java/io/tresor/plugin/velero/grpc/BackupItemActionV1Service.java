package io.tresor.plugin.velero.grpc;

import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.BackupItemActionAppliesToRequest;
import io.tresor.proto.velero.BackupItemActionAppliesToResponse;
import io.tresor.proto.velero.BackupItemActionGrpc;
import io.tresor.proto.velero.ExecuteRequest;
import io.tresor.proto.velero.ExecuteResponse;

import java.util.concurrent.Executor;

/** {@code /generated.BackupItemAction/*}: BackupItemAction v1. */
public final class BackupItemActionV1Service extends BackupItemActionGrpc.BackupItemActionImplBase {
    private final PluginRegistry registry;

    private final UnaryCall calls;

    /** Blocking actions run on {@code workers}; the server calls this service on its I/O thread. */
    public BackupItemActionV1Service(PluginRegistry registry, Executor workers) {
        this.registry = registry;
        this.calls = new UnaryCall(workers, registry, PluginKind.BACKUP_ITEM_ACTION);
    }

    private BackupItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.BACKUP_ITEM_ACTION, plugin, BackupItemAction.class);
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
            if (!o.result().operationId().isEmpty()) {
                throw new ActionException("plugin " + request.getPlugin()
                        + " returned an operation ID but is registered as BackupItemAction v1; register it as v2");
            }
            return ExecuteResponse.newBuilder()
                    .setItem(o.item())
                    .addAllAdditionalItems(ProtoConvert.identifiers(o.result().additionalItems()))
                    .build();
        });
    }
}
