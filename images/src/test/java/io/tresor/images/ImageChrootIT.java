package io.tresor.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.tresor.freeze.testing.MockApiServer;
import io.tresor.imagearchive.testing.TestCertificate;
import io.tresor.plugin.testkit.PluginProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is inside each image runs, on the image's own files only: its layers unpacked into a rootfs, its entrypoint run
 * in a chroot as its user (see {@link Chroot}). The host's libraries and JDK are out of reach there, so a missing
 * library, module or file in an image fails here. Root only (skipped otherwise, with the reason).
 */
class ImageChrootIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void thePluginImageInstallsTheTreeAndTheInstalledPluginServesVelero(@TempDir Path dir) throws Exception {
        Chroot.requireRoot();
        OciImage image = OciImage.open(OciArchiveIT.PLUGIN, dir);
        Path rootfs = Chroot.rootfs(image, dir);
        Path target = Files.createDirectories(rootfs.resolve("target")); // OADP's plugins volume
        Chroot.chown(target, image.user());

        Process install = new ProcessBuilder(Chroot.command(rootfs, image.user(), image.entrypoint()))
                .redirectErrorStream(true).start();
        String out = readAll(install, 120);
        assertThat(install.exitValue()).as(out).isZero();
        assertThat(out).contains("tresor installed to /target/tresor");
        assertThat(target.resolve("tresor")).isExecutable();
        assertThat(target.resolve("tresor.d/jvmopts")).isRegularFile();

        // Velero starts the installed copy. Its socket is made in $TMPDIR inside the rootfs; the same path on the host
        // is a symlink to that directory, so the go-plugin address in the handshake line can be dialled from here.
        String socketDirName = "tresor-chroot-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        Path socketDir = Files.createDirectories(rootfs.resolve("tmp").resolve(socketDirName));
        Chroot.chown(socketDir, image.user());
        Path hostLink = Files.createSymbolicLink(Path.of("/tmp", socketDirName), socketDir);
        try {
            List<String> command = Chroot.command(rootfs, image.user(), List.of("/target/tresor"));
            List<String> args = new ArrayList<>(command.subList(1, command.size()));
            args.addAll(PluginProcess.VELERO_SERVER_ARGS);
            try (PluginProcess plugin = PluginProcess.start(Path.of(command.get(0)), args,
                    Map.of("TMPDIR", "/tmp/" + socketDirName))) {
                assertThat(plugin.handshake().address()).startsWith("/tmp/" + socketDirName + "/");
                assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
                assertThat(plugin.shutdown().status()).isZero();
                assertThat(plugin.stderrLines()).as("no JVM warning (a rejected AOT cache, a missing library)")
                        .noneMatch(l -> l.contains("warning"));
            }
        } finally {
            Files.deleteIfExists(hostLink);
        }
    }

    @Test
    void theWebhookImageServesHealthAndAdmissionReviewsOverTls(@TempDir Path dir) throws Exception {
        Chroot.requireRoot();
        OciImage image = OciImage.open(OciArchiveIT.WEBHOOK, dir);
        Path rootfs = Chroot.rootfs(image, dir);
        // the Deployment's volumes: the serving certificate, a snapshot of cluster objects instead of the API server
        TestCertificate cert = TestCertificate.create(rootfs.resolve("var/run/tls"), "webhook");
        Files.copy(cert.certificate(), rootfs.resolve("var/run/tls/tls.crt"));
        Files.copy(cert.privateKey(), rootfs.resolve("var/run/tls/tls.key"));
        Chroot.chown(rootfs.resolve("var/run/tls"), image.user());
        Path webhookTests = Path.of(System.getProperty("user.dir")).resolveSibling("webhook/src/test/resources/reviews");
        Files.createDirectories(rootfs.resolve("etc/tresor"));
        Files.copy(webhookTests.resolve("cluster.json"), rootfs.resolve("etc/tresor/cluster.json"));
        int https = freePort();
        int admin = freePort();
        List<String> argv = new ArrayList<>(image.entrypoint());
        argv.addAll(List.of("--host", "127.0.0.1", "--cluster-snapshot", "/etc/tresor/cluster.json"));
        // read-only root and a tmpfs /tmp, as deploy/webhook/deployment.yaml runs it
        ProcessBuilder pb = new ProcessBuilder(Chroot.readOnlyRootCommand(rootfs, image.user(), Map.of(), argv))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("webhook.log").toFile());
        // as deploy/webhook/deployment.yaml sets them
        pb.environment().putAll(Map.of("TRESOR_CERT_DIR", "/var/run/tls", "TRESOR_HTTPS_PORT", Integer.toString(https),
                "TRESOR_ADMIN_PORT", Integer.toString(admin)));
        Process webhook = pb.start();
        try {
            awaitStatus(webhook, "http://127.0.0.1:" + admin + "/readyz", 200, dir.resolve("webhook.log"));
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            JsonNode testCase = OciImage.JSON.readTree(webhookTests.resolve("allow/backup-admin-no-location.json").toFile());
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> answer = tls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/validate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(testCase.path("review").toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode response = OciImage.JSON.readTree(answer.body()).path("response");
            assertThat(response.path("uid").asText()).isEqualTo(testCase.path("review").path("request").path("uid").asText());
            assertThat(response.path("allowed").asBoolean()).as(answer.body()).isTrue();
        } finally {
            stop(webhook);
        }
        assertThat(Files.readString(dir.resolve("webhook.log"))).contains("SIGTERM");
    }

    @Test
    void theFreezeAgentImageStartsTheAgentAndCarriesFsfreeze(@TempDir Path dir) throws Exception {
        Chroot.requireRoot();
        OciImage image = OciImage.open(OciArchiveIT.AGENT, dir);
        Path rootfs = Chroot.rootfs(image, dir);

        Process fsfreeze = new ProcessBuilder(Chroot.command(rootfs, image.user(), List.of("/usr/sbin/fsfreeze", "--version")))
                .redirectErrorStream(true).start();
        String version = readAll(fsfreeze, 30);
        assertThat(fsfreeze.exitValue()).as(version).isZero();
        assertThat(version).contains("fsfreeze from util-linux");

        Files.createDirectories(rootfs.resolve("var/lib/kubelet/pods"));
        Files.createDirectories(rootfs.resolve("var/lib/tresor-freeze-agent"));
        // the DaemonSet's journal hostPath: the one writable place besides /tmp (readOnlyRootFilesystem: true)
        Path journal = Files.createDirectories(dir.resolve("journal-volume"));
        try (MockApiServer api = new MockApiServer(Map.of()) { }) {
            List<String> argv = new ArrayList<>(image.entrypoint());
            argv.addAll(List.of("--listen-address=127.0.0.1", "--port=0", "--metrics-port=0",
                    "--allowed-service-accounts=" + MockApiServer.VELERO, "--node-name=node-1"));
            ProcessBuilder pb = new ProcessBuilder(Chroot.readOnlyRootCommand(rootfs, image.user(),
                    Map.of("/var/lib/tresor-freeze-agent", journal), argv))
                    .redirectError(dir.resolve("agent.log").toFile());
            // debug: java.util.logging's FINE records (gRPC's, the JDK's) must reach slf4j-simple in the jlinked runtime
            pb.environment().putAll(Map.of("KUBERNETES_MASTER", api.url(), "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                    "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false", "TRESOR_LOG_LEVEL", "debug"));
            Process agent = pb.start();
            try {
                BufferedReader stdout = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
                Pattern ready = Pattern.compile("tresor-freeze-agent ready grpc=(\\d+) metrics=(\\d+)");
                Matcher m = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String line; (line = stdout.readLine()) != null; ) {
                            Matcher found = ready.matcher(line);
                            if (found.find()) {
                                return found;
                            }
                        }
                        return null;
                    } catch (java.io.IOException e) {
                        return null;
                    }
                }).get(90, TimeUnit.SECONDS);
                assertThat(m).as(() -> "agent not ready: " + log(dir.resolve("agent.log"))).isNotNull();
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + m.group(2) + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            } finally {
                stop(agent);
            }
        }
        String log = log(dir.resolve("agent.log"));
        assertThat(log).as("the JDK's HTTP server (metrics) logs through java.util.logging")
                .contains("[main] DEBUG com.sun.net.httpserver - HttpServer created");
        assertThat(log).as("gRPC logs through java.util.logging").containsPattern("(?m)^\\[main\\] DEBUG io\\.grpc\\.");
        assertThat(log).as("no record in JUL's console format").doesNotContainPattern("(?m)^(FINE|INFO|WARNING|SEVERE): ");
    }

    /** SIGTERM (the servers drain and exit), then SIGKILL after 30 s. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readAll(Process p, int timeoutSeconds) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "<" + e + ">";
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("still running after " + timeoutSeconds + " s: " + out.getNow("<no output yet>"));
        }
        return out.get(10, TimeUnit.SECONDS);
    }

    private static void awaitStatus(Process server, String url, int status, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as(() -> "server exited: " + log(log)).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == status) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " did not answer " + status + " within 90 s: " + log(log));
    }

    private static SSLContext trusting(TestCertificate cert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(cert.keyStore())) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "<no log>";
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
