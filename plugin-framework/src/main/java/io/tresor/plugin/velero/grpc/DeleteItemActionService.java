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

import java.util.concurrent.Executor;

/** {@code /generated.DeleteItemAction/*}. */
public final class DeleteItemActionService extends DeleteItemActionGrpc.DeleteItemActionImplBase {
    private final PluginRegistry registry;

    private final UnaryCall calls;

    /** Blocking actions run on {@code workers}; the server calls this service on its I/O thread. */
    public DeleteItemActionService(PluginRegistry registry, Executor workers) {
        this.registry = registry;
        this.calls = new UnaryCall(workers, registry, PluginKind.DELETE_ITEM_ACTION);
    }

    private DeleteItemAction action(String plugin) throws ActionException {
        return registry.lookup(PluginKind.DELETE_ITEM_ACTION, plugin, DeleteItemAction.class);
    }

    @Override
    public void appliesTo(DeleteItemActionAppliesToRequest request,
                          StreamObserver<DeleteItemActionAppliesToResponse> observer) {
        UnaryCall.answerNow(observer, "AppliesTo", request.getPlugin(), () -> DeleteItemActionAppliesToResponse.newBuilder()
                .setResourceSelector(ProtoConvert.selector(action(request.getPlugin()).appliesTo()))
                .build());
    }

    @Override
    public void execute(DeleteItemActionExecuteRequest request, StreamObserver<Empty> observer) {
        calls.answer(observer, "Execute", request.getPlugin(), () -> {
            ItemCalls.delete(action(request.getPlugin()), request.getItem(), request.getBackup());
            return Empty.getDefaultInstance();
        });
    }
}
