package io.tresor.plugin.velero.grpc;

import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.RestoreItemActionAppliesToRequest;
import io.tresor.proto.velero.RestoreItemActionAppliesToResponse;
import io.tresor.proto.velero.RestoreItemActionExecuteRequest;
import io.tresor.proto.velero.RestoreItemActionExecuteResponse;
import io.tresor.proto.velero.RestoreItemActionGrpc;

import java.util.concurrent.Executor;

/** {@code /generated.RestoreItemAction/*}: RestoreItemAction v1. */
public final class RestoreItemActionV1Service extends RestoreItemActionGrpc.RestoreItemActionImplBase {
    private final PluginRegistry registry;

    private final UnaryCall calls;

    /** Blocking actions run on {@code workers}; the server calls this service on its I/O thread. */
    public RestoreItemActionV1Service(PluginRegistry registry, Executor workers) {
        this.registry = registry;
        this.calls = new UnaryCall(workers, registry, PluginKind.RESTORE_ITEM_ACTION);
    }

    private RestoreItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.RESTORE_ITEM_ACTION, plugin, RestoreItemAction.class);
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
            if (!o.result().operationId().isEmpty() || o.result().waitForAdditionalItems()) {
                throw new ActionException("plugin " + request.getPlugin()
                        + " asked for an operation or a wait but is registered as RestoreItemAction v1; register it as v2");
            }
            return RestoreItemActionExecuteResponse.newBuilder()
                    .setItem(o.item())
                    .addAllAdditionalItems(ProtoConvert.identifiers(o.result().additionalItems()))
                    .setSkipRestore(o.result().skipRestore())
                    .build();
        });
    }
}
