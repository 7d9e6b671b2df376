package io.tresor.images;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.tresor.actions.cluster.ApiResources;
import io.tresor.actions.cluster.testing.ClusterFixture;
import io.tresor.actions.cluster.testing.ImageStreams;
import io.tresor.imagearchive.Digest;
import io.tresor.imagearchive.registry.MediaTypes;
import io.tresor.imagearchive.registry.OciRegistryClient;
import io.tresor.plugin.testkit.MethodPath;
import io.tresor.plugin.testkit.PluginProcess;
import io.tresor.proto.velero.v2.ExecuteRequest;
import io.tresor.proto.velero.v2.ExecuteResponse;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/imagestream-capture.sh}: captures a multi-layer image of {@code <MiB>} through the shipped executable
 * (its -Xmx64m applies) from docker-registry into S3Proxy, captures it again into a second backup, and copies the same
 * image with {@code skopeo copy} into a second docker-registry whose storage is the same S3 server (what the OADP plugin
 * effectively does). Prints one {@code key=value} line.
 *
 * <p>Arguments: plugin launcher, work directory, image size in MiB, and optionally {@code --tresor-only} (no skopeo
 * copy: for profiling the capture).
 */
public final class ImageStreamCaptureBench {
    private static final Pattern BYTES = Pattern.compile("\"bytesUploaded\":(\\d+)");
    private static final int LAYERS = 6;

    private ImageStreamCaptureBench() {
    }

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        long total = Long.parseLong(args[2]) * 1024 * 1024;
        try (ClusterFixture cluster = ClusterFixture.start(dir.resolve("fixture"), true)) {
            OciRegistryClient registry = cluster.registryClient();
            Digest image = pushImage(registry, "shop/big", total / LAYERS, 1);
            ObjectNode is = ImageStreams.imageStream("shop", "big", cluster.registryHost(), Map.of("latest",
                    List.of(new ImageStreams.Item(cluster.registryHost() + "/shop/big@" + image, image.toString(), "2026-12-01T10:00:00Z"))));
            cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup("bench-1", "shop"));
            warmUpS3(cluster);
            // Both paths once, untimed, with another image (no blob shared with the measured one): S3Proxy and the
            // registries then meet both measured copies warm, as a production S3 would be. Without it S3Proxy's JIT
            // and its heap's growth ran during tresor's measured capture (~2 CPU-s of the bench JVM) and skopeo,
            // measured last, met a warm server.
            long warmSize = Math.min(total, 96L * 1024 * 1024);
            Digest warmImage = pushImage(registry, "shop/warm", warmSize / LAYERS, 100);
            ObjectNode warmIs = ImageStreams.imageStream("shop", "warm", cluster.registryHost(), Map.of("latest",
                    List.of(new ImageStreams.Item(cluster.registryHost() + "/shop/warm@" + warmImage, warmImage.toString(),
                            "2026-12-01T09:00:00Z"))));
            cluster.create(ApiResources.BACKUP, ImageStreams.storedBackup("warm-1", "shop"));
            capture(launcher, cluster, dir, warmIs, "warm-1");
            cluster.s3().createBucket("skopeo");
            skopeoCopy(cluster, dir.resolve("warm"), "shop/warm:latest");

            Capture first = capture(launcher, cluster, dir, is, "bench-1");
            Capture second = capture(launcher, cluster, dir, is, "bench-2");
            if (args.length > 3 && args[3].equals("--tresor-only")) {
                // for profiling tresor's side: no skopeo run, so no ratio
                System.out.printf("tresor_s=%.1f tresor_plugin_cpu_s=%.1f tresor_s3_cpu_s=%.1f incremental_s=%.1f "
                                + "incremental_plugin_cpu_s=%.1f incremental_uploaded_bytes=%d%n", first.seconds, first.pluginCpuS,
                        first.s3CpuS, second.seconds, second.pluginCpuS, second.uploaded);
                return;
            }
            double skopeoS3Cpu0 = benchCpuSeconds();
            double skopeo = skopeoCopy(cluster, dir.resolve("measured"), "shop/big:latest");
            // where the 2 cores went: the plugin process vs this JVM (S3Proxy; the registries are separate processes)
            System.out.printf("tresor_plugin_cpu_s=%.1f tresor_s3_cpu_s=%.1f incremental_s=%.1f incremental_plugin_cpu_s=%.1f skopeo_s3_cpu_s=%.1f%n",
                    first.pluginCpuS, first.s3CpuS, second.seconds, second.pluginCpuS, benchCpuSeconds() - skopeoS3Cpu0);
            System.out.printf("tresor_s=%.1f skopeo_s=%.1f ratio=%.2f incremental_uploaded_bytes=%d max_heap_mb=64 "
                            + "peak_rss_mb=%d image_mb=%d first_uploaded_bytes=%d%n",
                    first.seconds, skopeo, first.seconds / skopeo, second.uploaded, first.rssMb, total / (1024 * 1024), first.uploaded);
        }
    }

    private record Capture(double seconds, long uploaded, long rssMb, double pluginCpuS, double s3CpuS) {
    }

    /** utime + stime of a live process, in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    private static double benchCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /**
     * S3Proxy runs inside this JVM: without a warm-up its JIT compiles its request path during the first capture
     * measured (tresor's), while skopeo later meets a warm server. A production S3 server is warm, so warm it for both:
     * 256 MiB of multipart uploads, half with SSE-C headers (tresor's path) and half without (the registry's).
     */
    private static void warmUpS3(ClusterFixture cluster) throws Exception {
        S3Client s3 = cluster.s3().admin();
        cluster.s3().createBucket("warmup");
        byte[] part = new byte[8 * 1024 * 1024];
        new java.util.Random(1).nextBytes(part);
        String key = Base64.getEncoder().encodeToString(ClusterFixture.KEY);
        String keyMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(ClusterFixture.KEY));
        long t0 = System.nanoTime();
        for (int round = 0; round < 8; round++) {
            boolean ssec = round % 2 == 0;
            String object = "warm-" + round;
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket("warmup").key(object);
            if (ssec) {
                create.sseCustomerAlgorithm("AES256").sseCustomerKey(key).sseCustomerKeyMD5(keyMd5);
            }
            String upload = s3.createMultipartUpload(create.build()).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                UploadPartRequest.Builder put = UploadPartRequest.builder().bucket("warmup").key(object)
                        .uploadId(upload).partNumber(n);
                if (ssec) {
                    put.sseCustomerAlgorithm("AES256").sseCustomerKey(key).sseCustomerKeyMD5(keyMd5);
                }
                String etag = s3.uploadPart(put.build(), RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            CompleteMultipartUploadRequest.Builder complete = CompleteMultipartUploadRequest.builder().bucket("warmup")
                    .key(object).uploadId(upload).multipartUpload(m -> m.parts(parts));
            if (ssec) {
                complete.sseCustomerAlgorithm("AES256").sseCustomerKey(key).sseCustomerKeyMD5(keyMd5);
            }
            s3.completeMultipartUpload(complete.build());
            s3.deleteObject(b -> b.bucket("warmup").key(object));
        }
        System.err.printf("S3 warm-up: 256 MiB of multipart uploads in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** One backup of the ImageStream through a fresh plugin process, as Velero runs one per backup. */
    private static Capture capture(Path launcher, ClusterFixture cluster, Path dir, ObjectNode is, String backup) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_MASTER", cluster.apiUrl());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_SERVICE_HOST", null);
        env.put("TRESOR_REGISTRY_URL", cluster.registryUrl());
        env.put("TRESOR_REGISTRY_TOKEN_FILE", dir.resolve("no-token").toString());
        try (PluginProcess plugin = PluginProcess.start(launcher, PluginProcess.VELERO_SERVER_ARGS, env)) {
            double s3Cpu0 = benchCpuSeconds();
            double pluginCpu0 = cpuSeconds(plugin.pid());
            long t0 = System.nanoTime();
            ExecuteResponse r;
            try {
                r = MethodPath.call(plugin.channel(), "/v2.BackupItemAction/Execute", ExecuteRequest.newBuilder()
                        .setPlugin("tresor.io/imagestream-capture").setItem(ByteString.copyFromUtf8(is.toString()))
                        .setBackup(ByteString.copyFromUtf8(ImageStreams.backup(backup, "shop").toString())).build(),
                        ExecuteResponse.getDefaultInstance());
            } catch (RuntimeException e) {
                // a dead plugin (e.g. -XX:+ExitOnOutOfMemoryError) only shows as "Network closed": say why it died
                Thread.sleep(500);
                String status = ProcessHandle.of(plugin.pid()).map(h -> h.isAlive() ? "running" : "exited").orElse("gone");
                throw new IllegalStateException("capture " + backup + " failed, plugin " + status + "; stderr: " + plugin.stderrLines()
                        + "; stdout: " + plugin.stdoutAfterHandshake(), e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double pluginCpu = cpuSeconds(plugin.pid()) - pluginCpu0;
            double s3Cpu = benchCpuSeconds() - s3Cpu0;
            long rss = peakRssMb(plugin.pid());
            if (!r.getItem().toStringUtf8().contains("tresor.io/image-index")) {
                throw new IllegalStateException("capture did not archive the image: " + plugin.stderrLines());
            }
            plugin.shutdown();
            // into the bench log (bench.log): per-image durations and byte counts
            plugin.stderrLines().forEach(l -> System.err.println(backup + ": " + l));
            long uploaded = 0;
            for (String line : plugin.stderrLines()) {
                Matcher m = BYTES.matcher(line);
                if (m.find()) {
                    uploaded += Long.parseLong(m.group(1));
                }
            }
            return new Capture(seconds, uploaded, rss, pluginCpu, s3Cpu);
        }
    }

    private static long peakRssMb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** skopeo copy into a docker-registry storing in the same S3 server; returns seconds. */
    private static double skopeoCopy(ClusterFixture cluster, Path dir, String reference) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path work = Files.createDirectories(dir.resolve("skopeo"));
        Path config = work.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  s3:
                    accesskey: %s
                    secretkey: %s
                    region: us-east-1
                    regionendpoint: %s
                    bucket: skopeo
                    secure: false
                    v4auth: true
                  redirect:
                    disable: true
                http:
                  addr: 127.0.0.1:%d
                  secret: bench
                """.formatted(io.tresor.imagearchive.testing.S3Server.ACCESS_KEY, io.tresor.imagearchive.testing.S3Server.SECRET_KEY,
                cluster.s3().endpoint(), port));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile());
        // its AWS SDK refuses a custom CA bundle with its HTTP transport, and the S3 server here is plain HTTP anyway
        pb.environment().remove("AWS_CA_BUNDLE");
        Process registry = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; ; i++) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    if (i > 200) {
                        throw new IllegalStateException("S3-backed docker-registry did not start: " + Files.readString(work.resolve("registry.log")));
                    }
                }
                Thread.sleep(50);
            }
            Path policy = work.resolve("policy.json");
            Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("/usr/bin/skopeo", "--policy", policy.toString(), "copy", "--src-tls-verify=false",
                    "--dest-tls-verify=false", "docker://" + cluster.registryHost() + "/" + reference,
                    "docker://127.0.0.1:" + port + "/" + reference).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("skopeo copy failed: " + log);
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Pushes LAYERS generated layers of {@code layerSize}, a config and a Docker schema 2 manifest; returns its digest. */
    private static Digest pushImage(OciRegistryClient registry, String repository, long layerSize, int firstSeed) throws Exception {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < LAYERS; i++) {
            final int seed = i + firstSeed;
            Digest d = digest(layerSize, seed);
            registry.pushBlob(repository, d, layerSize, () -> generated(layerSize, seed));
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"")
                    .append(d).append("\",\"size\":").append(layerSize).append('}');
        }
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.of(config);
        registry.pushBlob(repository, configDigest, config.length, () -> new java.io.ByteArrayInputStream(config));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(manifest);
        registry.putManifest(repository, digest.toString(), MediaTypes.DOCKER_MANIFEST, manifest);
        registry.putManifest(repository, "latest", MediaTypes.DOCKER_MANIFEST, manifest);
        return digest;
    }

    private static Digest digest(long size, long seed) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = generated(size, seed)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return Digest.fromRaw(sha.digest());
    }

    /** Incompressible pseudo-random bytes, generated while read; byte i depends only on (seed, i), whatever the reads. */
    private static InputStream generated(long size, long seed) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position >= size ? -1 : at(position++) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = at(position++);
                }
                return n;
            }

            private byte at(long p) {
                long z = seed * 0x9E3779B97F4A7C15L + (p >>> 3) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z = z ^ (z >>> 31);
                return (byte) (z >>> (8 * (p & 7)));
            }
        };
    }
}
