package io.tresor.plugin.testkit;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.tresor.plugin.goplugin.PluginChannel;
import io.tresor.proto.goplugin.Empty;
import io.tresor.proto.goplugin.GRPCControllerGrpc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real plugin executable, started the way Velero (go-plugin client) starts it: its own path as argv[0],
 * Velero's server flags, Velero's environment plus {@code VELERO_PLUGIN=hello} and go-plugin's variables; the
 * first stdout line is the handshake, stderr is captured line by line, Shutdown then a 2 s wait then SIGKILL.
 */
public final class PluginProcess implements AutoCloseable {
    /** What Velero 1.18 passes: its own server flags (v1.15+), including many a plugin must ignore. */
    public static final List<String> VELERO_SERVER_ARGS = List.of(
            "--uploader-type=kopia", "--features=EnableCSI", "--log-level", "info",
            "--default-volumes-to-fs-backup=false", "--item-block-worker-count", "4",
            "--fs-backup-timeout=4h", "--default-snapshot-move-data", "--keep-latest-maintenance-jobs=3",
            "--restore-resource-priorities=securitycontextconstraints,customresourcedefinitions,namespaces",
            "--client-qps", "50", "--client-burst=100", "--disable-informer-cache=false");
    /** go-plugin's StartTimeout as Velero leaves it. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(1);
    /** How long go-plugin waits after Shutdown before SIGKILL. */
    public static final Duration KILL_AFTER = Duration.ofSeconds(2);

    /** How the process ended after {@link #shutdown()}. */
    public record Exit(int status, Duration afterShutdown, boolean killed) {
    }

    private final Process process;
    private final Handshake handshake;
    private final Duration startup;
    private final ManagedChannel channel;
    private final List<String> stderr;
    private final List<String> stdoutAfterHandshake = Collections.synchronizedList(new ArrayList<>());
    private final Thread stderrReader;
    private final Thread stdoutReader;

    private PluginProcess(Process process, Handshake handshake, Duration startup, BufferedReader stdout,
                          List<String> stderr, Thread stderrReader) {
        this.process = process;
        this.stderr = stderr;
        this.handshake = handshake;
        this.startup = startup;
        this.stderrReader = stderrReader;
        this.channel = PluginChannel.dial(handshake.network(), handshake.address());
        PluginChannel.openGoPluginStreams(channel);
        this.stdoutReader = drain(stdout, stdoutAfterHandshake, "plugin-stdout");
    }

    /** Starts {@code executable} with Velero's default args and environment. */
    public static PluginProcess start(Path executable) throws IOException {
        return start(executable, VELERO_SERVER_ARGS, Map.of());
    }

    /**
     * Starts {@code executable} with {@code args}; {@code envOverrides} are appended after Velero's variables
     * (a null value removes a variable). Fails with the process' stderr if no handshake comes.
     */
    public static PluginProcess start(Path executable, List<String> args, Map<String, String> envOverrides)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("VELERO_PLUGIN", "hello");
        env.put("PLUGIN_MIN_PORT", "10000");
        env.put("PLUGIN_MAX_PORT", "25000");
        env.put("PLUGIN_PROTOCOL_VERSIONS", "2");
        Map<String, String> overrides = new HashMap<>(envOverrides);
        overrides.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        long t0 = System.nanoTime();
        Process p = pb.start();
        List<String> stderrLines = Collections.synchronizedList(new ArrayList<>());
        Thread errReader = drain(new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)),
                stderrLines, "plugin-stderr");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> readLine(out)).get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
            p.destroyForcibly();
            throw new IOException("timeout while waiting for plugin to start; stderr: " + stderrLines, e);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);
        if (line == null) {
            waitQuietly(p);
            joinQuietly(errReader);
            throw new IOException("plugin exited before we could connect (status "
                    + (p.isAlive() ? "running" : p.exitValue()) + "); Failed to read any lines from plugin's stdout;"
                    + " stderr: " + stderrLines);
        }
        Handshake hs;
        try {
            hs = Handshake.parse(line);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw new IOException(e.getMessage() + "; stderr: " + stderrLines, e);
        }
        return new PluginProcess(p, hs, startup, out, stderrLines, errReader);
    }

    /** The parsed handshake line. */
    public Handshake handshake() {
        return handshake;
    }

    /** Process start to handshake line. */
    public Duration startupTime() {
        return startup;
    }

    /** The gRPC connection to the plugin, as go-plugin dials it. */
    public ManagedChannel channel() {
        return channel;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every stderr line so far (Velero's plugin log). */
    public List<String> stderrLines() {
        synchronized (stderr) {
            return new ArrayList<>(stderr);
        }
    }

    /** Anything the plugin wrote to stdout after the handshake (must stay empty). */
    public List<String> stdoutAfterHandshake() {
        synchronized (stdoutAfterHandshake) {
            return new ArrayList<>(stdoutAfterHandshake);
        }
    }

    /** Resident set size in KiB from /proc, or -1. */
    public long rssKib() {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Velero's Kill(): Shutdown RPC (result ignored), close the connection, wait up to 2 s for exit and EOF on
     * stdout/stderr, else SIGKILL.
     */
    public Exit shutdown() {
        long t0 = System.nanoTime();
        try {
            GRPCControllerGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .shutdown(Empty.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            // go-plugin ignores the result.
        }
        channel.shutdownNow();
        boolean exited;
        try {
            exited = process.waitFor(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            process.destroyForcibly();
            waitQuietly(process);
            joinQuietly(stderrReader);
            return new Exit(process.exitValue(), Duration.ofNanos(System.nanoTime() - t0), true);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        joinQuietly(stderrReader);
        joinQuietly(stdoutReader);
        return new Exit(process.exitValue(), took, false);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        if (process.isAlive()) {
            process.destroyForcibly();
            waitQuietly(process);
        }
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private static Thread drain(BufferedReader r, List<String> into, String name) {
        Thread t = new Thread(() -> {
            try {
                String l;
                while ((l = r.readLine()) != null) {
                    into.add(l);
                }
            } catch (IOException e) {
                // Stream closed with the process.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
