package io.tresor.plugin.velero.grpc;

import io.grpc.stub.StreamObserver;
import io.tresor.plugin.api.ActionException;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.DeleteItemActionAppliesToRequest;
import io.tresor.proto.velero.DeleteItemActionAppliesToResponse;
import io.tresor.proto.velero.DeleteItemActionExecuteRequest;
import io.tresor.proto.velero.DeleteItemActionGrpc;
import io.tresor.proto.velero.Empty;

/** {@code /generated.DeleteItemAction/*}. */
public final class DeleteItemActionService extends DeleteItemActionGrpc.DeleteItemActionImplBase {
    private final PluginRegistry registry;

    public DeleteItemActionService(PluginRegistry registry) {
        this.registry = registry;
    }

    private DeleteItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.DELETE_ITEM_ACTION, plugin, DeleteItemAction.class);
    }

    @Override
    public void appliesTo(DeleteItemActionAppliesToRequest request,
                          StreamObserver<DeleteItemActionAppliesToResponse> observer) {
        UnaryCall.answer(observer, "AppliesTo", request.getPlugin(), () -> DeleteItemActionAppliesToResponse.newBuilder()
                .setResourceSelector(ProtoConvert.selector(action(request.getPlugin()).appliesTo()))
                .build());
    }

    @Override
    public void execute(DeleteItemActionExecuteRequest request, StreamObserver<Empty> observer) {
        UnaryCall.answer(observer, "Execute", request.getPlugin(), () -> {
            ItemCalls.delete(action(request.getPlugin()), request.getItem(), request.getBackup());
            return Empty.getDefaultInstance();
        });
    }
}
