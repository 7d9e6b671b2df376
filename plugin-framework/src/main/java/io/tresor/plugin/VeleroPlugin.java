package io.tresor.plugin;

import io.tresor.plugin.api.BackupItemAction;
import io.tresor.plugin.api.DeleteItemAction;
import io.tresor.plugin.api.RestoreItemAction;
import io.tresor.plugin.goplugin.GoPluginServer;
import io.tresor.plugin.goplugin.Handshake;
import io.tresor.plugin.goplugin.StdoutGuard;
import io.tresor.plugin.logging.JulBridge;
import io.tresor.plugin.logging.UncaughtErrors;
import io.tresor.plugin.logging.LogLevel;
import io.tresor.plugin.logging.VeleroLogServiceProvider;
import io.tresor.plugin.logging.LogSink;
import io.tresor.plugin.velero.PluginKind;
import io.tresor.plugin.velero.PluginRegistry;
import io.tresor.plugin.velero.ServerFlags;
import io.tresor.plugin.velero.grpc.BackupItemActionV1Service;
import io.tresor.plugin.velero.grpc.BackupItemActionV2Service;
import io.tresor.plugin.velero.grpc.DeleteItemActionService;
import io.tresor.plugin.velero.grpc.PluginListerService;
import io.tresor.plugin.velero.grpc.RestoreItemActionV1Service;
import io.tresor.plugin.velero.grpc.RestoreItemActionV2Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Velero plugin executable: register actions under their names, then {@link #serve}. The Java counterpart of
 * Velero's {@code framework.NewServer().RegisterBackupItemAction(...).Serve()}.
 */
public final class VeleroPlugin {
    /** System property the native launcher sets to argv[0], the path Velero executed. */
    public static final String COMMAND_PROPERTY = "tresor.command";
    private static final Duration STOP_GRACE = Duration.ofMillis(300);

    private final PluginRegistry registry;
    private final String command;
    private final Map<String, String> env;
    private final Consumer<GoPluginServer.Endpoint> onListening;
    private final PluginListener early;
    private final ServerFlags earlyFlags;
    /** Runs the calls of actions that may block; the server's I/O thread runs the rest (see ItemAction). */
    private final ExecutorService workers = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "tresor-action-" + count.incrementAndGet());
            t.setDaemon(true);  // nothing may keep the JVM alive after a Shutdown
            return t;
        }
    });

    private VeleroPlugin(Builder b) {
        registry = b.registry.build();
        command = b.command;
        env = b.env;
        onListening = b.onListening;
        early = b.early;
        earlyFlags = b.earlyFlags;
    }

    /** Starts a plugin definition. */
    public static Builder builder() {
        return new Builder();
    }

    /** The registered plugins (for tests and for the installer's listing). */
    public PluginRegistry registry() {
        return registry;
    }

    /**
     * Runs the plugin protocol until Velero asks it to shut down; returns the process exit status
     * (0 after a Shutdown, 1 when started outside Velero).
     */
    public int serve(String[] args) {
        StdoutGuard.install();
        Optional<String> refusal = Handshake.refusal(env);
        if (refusal.isPresent()) {
            System.err.println(refusal.get());
            return 1;
        }
        ServerFlags flags = earlyFlags != null ? earlyFlags : setUpLogging(args);
        Logger log = LoggerFactory.getLogger(VeleroPlugin.class);
        flags.problems().forEach(p -> log.debug("command line: {}", p));
        SigintIgnorer.install();

        GoPluginServer server;
        try {
            PluginListener listener = early != null ? early : PluginListener.start(env, () -> { });
            server = listener.finish(() -> List.of(
                    new PluginListerService(registry, command),
                    new BackupItemActionV1Service(registry, workers),
                    new BackupItemActionV2Service(registry, workers),
                    new RestoreItemActionV1Service(registry, workers),
                    new RestoreItemActionV2Service(registry, workers),
                    new DeleteItemActionService(registry, workers)));
            StartupPhases.mark("listener");
            StdoutGuard.printHandshake(Handshake.line(server.endpoint().network(), server.endpoint().address()));
        } catch (IOException | RuntimeException e) {
            System.err.println("[ERROR] tresor plugin could not start its gRPC server: " + e);
            return 1;
        }
        log.atDebug().addKeyValue("network", server.endpoint().network())
                .addKeyValue("address", server.endpoint().address())
                .addKeyValue("plugins", registry.entries().size())
                .log("plugin server listening");
        if (log.isDebugEnabled()) {
            var phases = log.atDebug();
            StartupPhases.millis().forEach((phase, ms) -> phases.addKeyValue(phase + "_ms", ms));
            phases.log("start-up phases (launcher start to handshake)");
        }
        onListening.accept(server.endpoint());
        try {
            server.awaitShutdownRequest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(STOP_GRACE);
        workers.shutdownNow();
        return 0;
    }

    /** Log threshold from the command line, and JUL (gRPC, netty) routed into the plugin's JSON log lines. */
    private static ServerFlags setUpLogging(String[] args) {
        ServerFlags flags = bindLogging(args);
        JulBridge.install(flags.logLevel());
        return flags;
    }

    /** The log threshold from the command line, and SLF4J bound to the plugin's JSON lines. */
    private static ServerFlags bindLogging(String[] args) {
        // SLF4J's provider by name: its ServiceLoader lookup would open the whole application jar before the
        // handshake. Its note that it did so is kept off stderr (warnings still show).
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, VeleroLogServiceProvider.class.getName());
            System.setProperty(SLF4J_VERBOSITY, System.getProperty(SLF4J_VERBOSITY, "WARN"));
        }
        ServerFlags flags = ServerFlags.parse(args);
        LogSink.get().setThreshold(flags.logLevel());
        // SLF4J binds its provider here, before any other thread starts: a logger asked for on another thread
        // while the binding runs would be a stand-in whose calls SLF4J replays later, announced by plain-text
        // warning lines on stderr, which Velero cannot parse.
        LoggerFactory.getILoggerFactory();
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtErrors(LoggerFactory.getLogger(UncaughtErrors.class)));
        return flags;
    }

    private static final String SLF4J_PROVIDER = "slf4j.provider";
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    /** Collects registrations; names are validated as they are added. */
    public static final class Builder {
        private PluginListener early;
        private ServerFlags earlyFlags;
        private final PluginRegistry.Builder registry = PluginRegistry.builder();
        private String command = System.getProperty(COMMAND_PROPERTY, "/plugins/tresor");
        private Map<String, String> env = System.getenv();
        private Consumer<GoPluginServer.Endpoint> onListening = e -> { };

        /** Registers a BackupItemAction v2 (asynchronous operations possible). */
        public Builder backupItemAction(String name, BackupItemAction action) {
            registry.add(PluginKind.BACKUP_ITEM_ACTION_V2, name, action);
            return this;
        }

        /** Registers a BackupItemAction v1. */
        public Builder backupItemActionV1(String name, BackupItemAction action) {
            registry.add(PluginKind.BACKUP_ITEM_ACTION, name, action);
            return this;
        }

        /** Registers a RestoreItemAction v2. */
        public Builder restoreItemAction(String name, RestoreItemAction action) {
            registry.add(PluginKind.RESTORE_ITEM_ACTION_V2, name, action);
            return this;
        }

        /** Registers a RestoreItemAction v1. */
        public Builder restoreItemActionV1(String name, RestoreItemAction action) {
            registry.add(PluginKind.RESTORE_ITEM_ACTION, name, action);
            return this;
        }

        /** Registers a DeleteItemAction. */
        public Builder deleteItemAction(String name, DeleteItemAction action) {
            registry.add(PluginKind.DELETE_ITEM_ACTION, name, action);
            return this;
        }

        /** The command reported in ListPlugins: exactly the path Velero executed (argv[0]). */
        public Builder command(String path) {
            command = Objects.requireNonNull(path);
            return this;
        }

        /** The environment to check the handshake against (tests). */
        public Builder environment(Map<String, String> environment) {
            env = Map.copyOf(environment);
            return this;
        }

        /**
         * Starts binding the plugin's gRPC listener in the background now, so that it overlaps the registrations
         * that follow (measured on 2 cores with C2 on: p50 256 → 247 ms). Nothing is announced before
         * {@link #serve}: the handshake line still goes out only once the listener and every registered action are
         * ready. Does nothing
         * when the process was not started by Velero ({@link #serve} then explains that and exits).
         */
        public Builder listenEarly(String[] args) {
            if (early == null && Handshake.refusal(env).isEmpty()) {
                earlyFlags = bindLogging(args);
                // Only now: netty's first class binds netty's logging to SLF4J, whose provider bindLogging names (left
                // to itself, SLF4J would look for one by scanning the application jar).
                GoPluginServer.preinitialize();
                // gRPC logs through java.util.logging, routed by the listener thread before it touches gRPC (JUL's
                // start-up then overlaps netty's on the preinit thread).
                LogLevel level = earlyFlags.logLevel();
                early = PluginListener.start(env, () -> JulBridge.install(level));
            }
            return this;
        }

        /** Called once the handshake line is out (in-process clients, AOT training). */
        public Builder onListening(Consumer<GoPluginServer.Endpoint> callback) {
            onListening = Objects.requireNonNull(callback);
            return this;
        }

        public VeleroPlugin build() {
            return new VeleroPlugin(this);
        }
    }
}
