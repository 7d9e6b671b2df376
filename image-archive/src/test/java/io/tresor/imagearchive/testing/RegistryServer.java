package io.tresor.imagearchive.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code docker-registry} (distribution 2.8) on 127.0.0.1 with its own config, optionally with token auth
 * from a {@link TokenIssuer}. Stopped by {@link #close()} and, failing that, by a shutdown hook.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Thread hook;

    private RegistryServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.hook = new Thread(process::destroyForcibly, "stop-docker-registry");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Fails under CI=true when the binary is missing (CI installs it), skips the test elsewhere. */
    public static void requireBinary() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = BINARY + " is missing: apt-get install -y --no-install-recommends docker-registry skopeo";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (.ci/run installs it)");
        }
        Assumptions.abort(message);
    }

    /** Starts a registry storing in {@code dir}; {@code issuer} null for no auth. */
    public static RegistryServer start(Path dir, TokenIssuer issuer) throws Exception {
        requireBinary();
        int port = freePort();
        Files.createDirectories(dir.resolve("data"));
        StringBuilder yaml = new StringBuilder("""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: tresor-test-http-secret
                """.formatted(dir.resolve("data"), port));
        if (issuer != null) {
            yaml.append("""
                    auth:
                      token:
                        realm: %s
                        service: %s
                        issuer: %s
                        rootcertbundle: %s
                    """.formatted(issuer.realm(), TokenIssuer.SERVICE, TokenIssuer.ISSUER, issuer.rootCertificate()));
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, yaml);
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        RegistryServer server = new RegistryServer(process, port);
        server.awaitReady(dir);
        return server;
    }

    private void awaitReady(Path dir) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(url() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on port " + port + " within 15 s");
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
