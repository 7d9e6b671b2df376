package io.tresor.plugin.velero.grpc;

import io.grpc.stub.StreamObserver;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.proto.velero.Empty;
import io.tresor.proto.velero.ListPluginsResponse;
import io.tresor.proto.velero.PluginIdentifier;
import io.tresor.proto.velero.PluginListerGrpc;

/** {@code /generated.PluginLister/ListPlugins}: what this executable serves, under the command Velero ran. */
public final class PluginListerService extends PluginListerGrpc.PluginListerImplBase {
    private final ListPluginsResponse response;

    public PluginListerService(PluginRegistry registry, String command) {
        ListPluginsResponse.Builder b = ListPluginsResponse.newBuilder();
        for (PluginRegistry.Entry e : registry.entries()) {
            b.addPlugins(PluginIdentifier.newBuilder()
                    .setCommand(command)
                    .setKind(e.kind().wireName())
                    .setName(e.name()));
        }
        response = b.build();
    }

    @Override
    public void listPlugins(Empty request, StreamObserver<ListPluginsResponse> observer) {
        observer.onNext(response);
        observer.onCompleted();
    }
}
