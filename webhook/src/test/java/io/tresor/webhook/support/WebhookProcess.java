package io.tresor.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.tresor.webhook.WebhookMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real entry point ({@link WebhookMain}) as a child JVM on 127.0.0.1 with free ports; stdout and stderr to a file. */
public final class WebhookProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    public final int httpsPort;
    public final int adminPort;

    private WebhookProcess(Process process, Path log, int httpsPort, int adminPort) {
        this.process = process;
        this.log = log;
        this.httpsPort = httpsPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts it with the JVM options, WebhookMain flags (besides --host and --https-port) and environment; the admin
     * port comes from the environment, as the Deployment sets it.
     */
    public static WebhookProcess start(List<String> jvmOptions, List<String> flags, Map<String, String> env, Path log)
            throws IOException {
        int https = freePort();
        int admin = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.addAll(List.of(WebhookMain.class.getName(), "--host", "127.0.0.1",
                "--https-port", Integer.toString(https)));
        command.addAll(flags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("TRESOR_ADMIN_PORT", Integer.toString(admin));
        return new WebhookProcess(builder.start(), log, https, admin);
    }

    /** Waits up to 60 s for /readyz to answer 200. */
    public WebhookProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as(() -> "server died: " + log()).isTrue();
            try {
                if (Https.get(adminPort, "/readyz").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s: " + log());
    }

    /** Waits up to 60 s for it to end by itself; its exit status. */
    public int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(() -> "still running: " + log()).isTrue();
        return process.exitValue();
    }

    /** SIGTERM, then waits up to 30 s for the exit; whether it exited. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(30, TimeUnit.SECONDS);
    }

    /** What it wrote so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<no log>";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !stop()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
