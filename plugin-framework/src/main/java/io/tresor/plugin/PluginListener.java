package io.tresor.plugin;

import io.grpc.BindableService;
import io.grpc.util.MutableHandlerRegistry;
import io.tresor.plugin.goplugin.GoPluginServer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Starts the go-plugin server on its own thread so that binding it overlaps the registration of the actions on the
 * main thread; the Velero services are added once the registry is complete, before the handshake line goes out.
 * Netty and gRPC are set up on that one thread only. While it works, the main thread (once the actions are
 * registered) initialises JDK unix sockets and go-plugin's protobuf descriptors: protobuf 4.x generated code resolves
 * its descriptors in static initialisers that are safe to run from two threads at once (a gRPC server's first calls
 * do just that), and none of those classes takes part in netty's initialisation.
 */
final class PluginListener {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tresor-start");
        t.setDaemon(true);
        return t;
    });
    private final Future<MutableHandlerRegistry> velero;
    private final Future<GoPluginServer> server;

    private PluginListener(Map<String, String> env, Runnable first) {
        velero = thread.submit(() -> {
            first.run();
            return new MutableHandlerRegistry();
        });
        server = thread.submit(() -> GoPluginServer.start(velero.get(), env));
    }

    /** Begins binding now, after running {@code first} on the listener's thread. */
    static PluginListener start(Map<String, String> env, Runnable first) {
        return new PluginListener(env, first);
    }

    /** Adds the Velero services (created on the server's thread), waits until both are done. */
    GoPluginServer finish(Supplier<List<BindableService>> services) throws IOException {
        Future<?> added = thread.submit(() -> {
            MutableHandlerRegistry registry = velero.get();
            services.get().forEach(registry::addService);
            return null;
        });
        GoPluginServer.prepareWhileWaiting();
        try {
            GoPluginServer s = server.get();
            added.get();
            return s;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("the plugin server did not start: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the plugin server was starting", e);
        } finally {
            thread.shutdown();
        }
    }
}
