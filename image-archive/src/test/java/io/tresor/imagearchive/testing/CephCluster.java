package io.tresor.imagearchive.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway Ceph cluster (1 mon, 1 memstore OSD, radosgw over TLS on 127.0.0.1:7443) from Debian's packages,
 * started by {@code ceph/start-cluster.sh}; its ports are fixed, so one per machine. Stopped by {@link #close()} and,
 * failing that, by a shutdown hook.
 */
public final class CephCluster implements AutoCloseable {
    public static final int RGW_PORT = 7443;
    public static final String ACCESS_KEY = "TRESORTESTACCESS0001";
    public static final String SECRET_KEY = "tresor-test-rgw-secret-0123456789abcdef";
    private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/ceph-mon"), Path.of("/usr/bin/ceph-osd"),
            Path.of("/usr/bin/radosgw"));

    private final Path dir;
    private final Path stop;
    private final Thread hook;

    private CephCluster(Path dir, Path stop) {
        this.dir = dir;
        this.stop = stop;
        this.hook = new Thread(this::stopDaemons, "stop-ceph");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Fails under CI=true when the packages are missing (.ci/run installs them), skips the test elsewhere. */
    public static void requireBinaries() {
        for (Path b : BINARIES) {
            if (!Files.isExecutable(b)) {
                String message = b + " is missing: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd";
                if ("true".equals(System.getenv("CI"))) {
                    throw new IllegalStateException(message + " (.ci/run installs it)");
                }
                Assumptions.abort(message);
            }
        }
    }

    public static CephCluster start(Path dir, TestCertificate tls) throws Exception {
        requireBinaries();
        for (int port : new int[] {3300, RGW_PORT}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use: another Ceph cluster runs on this machine; stop it first");
            } catch (IOException free) {
                // nothing listens: good
            }
        }
        Files.createDirectories(dir);
        Path start = copy("start-cluster.sh", dir);
        Path stop = copy("stop-cluster.sh", dir);
        CephCluster cluster = new CephCluster(dir.resolve("cluster"), stop);
        Process p = new ProcessBuilder("bash", start.toString(), dir.resolve("cluster").toString(), tls.certificate().toString(),
                tls.privateKey().toString(), ACCESS_KEY, SECRET_KEY).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("ready")) {
            p.destroyForcibly();
            cluster.close();
            throw new IllegalStateException("the Ceph test cluster did not start: " + out);
        }
        return cluster;
    }

    private static Path copy(String script, Path dir) throws IOException {
        Path target = dir.resolve(script);
        try (InputStream in = CephCluster.class.getResourceAsStream("/ceph/" + script)) {
            Files.copy(in, target);
        }
        return target;
    }

    public String endpoint() {
        return "https://127.0.0.1:" + RGW_PORT;
    }

    private void stopDaemons() {
        try {
            Process p = new ProcessBuilder("bash", stop.toString(), dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("stopping the Ceph test cluster failed", e);
        }
    }

    @Override
    public void close() {
        stopDaemons();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
