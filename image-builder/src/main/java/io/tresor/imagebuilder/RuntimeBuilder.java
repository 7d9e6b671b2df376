package io.tresor.imagebuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Java runtime of the webhook and the freeze agent: one jlinked Temurin 25 image with {@code bin/java}, shared
 * by both images (same files, same layer digest).
 */
final class RuntimeBuilder {
    /**
     * The union of {@code jdeps --print-module-deps --ignore-missing-deps} over the webhook's jars (java.desktop,
     * java.instrument, java.rmi, java.security.jgss among them) and the agent's (jdk.httpserver), measured with
     * Temurin 25.0.3, plus jdk.crypto.ec and jdk.net, which libraries may look up reflectively. A real run of both
     * servers on this runtime is {@code ImageChrootIT}; {@code RuntimeModulesIT} runs jdeps on the shipped jars and
     * fails when one needs a module not listed here.
     */
    static final List<String> MODULES = List.of("java.base", "java.desktop", "java.instrument", "java.naming",
            "java.net.http", "java.rmi", "java.security.jgss", "java.sql", "jdk.crypto.ec", "jdk.httpserver", "jdk.jfr",
            "jdk.management", "jdk.net", "jdk.unsupported");

    /**
     * java.desktop's native parts that need X11 or ALSA libraries (which no server image has; the servers run
     * headless), and the CDS archive for heaps over 32 GB (compressed oops off), which these pods never have.
     */
    static final List<String> REMOVED = List.of("lib/libawt_xawt.so", "lib/libjawt.so", "lib/libjsound.so",
            "lib/libsplashscreen.so", "lib/server/classes_nocoops.jsa");

    private RuntimeBuilder() {
    }

    /** Checks that {@code jdk} is a JDK 25 with jlink, as the plugin tree's build does. */
    static void requireJdk25(Path jdk) throws IOException, InterruptedException {
        if (!Files.isExecutable(jdk.resolve("bin/jlink"))) {
            throw new IOException("Temurin JDK 25 not found at " + jdk + " (it provides the images' runtime via jlink)."
                    + " Install it or build with -Dtresor.jdk25.home=<jdk-25-dir>.");
        }
        String version = run(List.of(jdk.resolve("bin/java").toString(), "-version"), 60);
        if (!version.contains("version \"25")) {
            throw new IOException(jdk + " is not a JDK 25: " + version.lines().findFirst().orElse(""));
        }
    }

    /**
     * The JVM options of the CDS dump jlink runs ({@code bin/java -Xshare:dump} of the new image, which reads
     * {@code JAVA_TOOL_OPTIONS} from the environment it inherits). Left to ergonomics, the archive depends on the
     * build host: its header and archived heap follow the default max heap (a quarter of the machine's or cgroup's
     * memory: 6028M and 4096M gave archives 39,575 bytes apart) and the GC (one CPU selects Serial). Pinned, the same
     * JDK and modules give the same bytes on any host (checked with one CPU and 16 GB against two CPUs and 24 GB).
     * The servers read the archive with their own GC and heap (SerialGC, 70% of the pod's memory): the JVM copies the
     * archived objects into whatever heap it has, so the dump's heap size costs nothing at run time.
     */
    static final String CDS_DUMP_OPTIONS = "-XX:+UseG1GC -Xms1g -Xmx1g -XX:ActiveProcessorCount=2";

    /**
     * jlinks the runtime into {@code out} (replaced whole) with a CDS archive of the JDK's default classes (jlink
     * regenerates it for exactly these modules; a start reads classes from it instead of parsing them). With
     * {@link #CDS_DUMP_OPTIONS} the output is byte-for-byte the same for the same JDK and modules on any host, so the
     * layer's digest is too.
     */
    static Path build(Path jdk, Path out) throws IOException, InterruptedException {
        return build(jdk, out, MODULES, System.getenv());
    }

    /** {@link #build(Path, Path)} of {@code modules}, as if the build's environment were {@code environment}. */
    static Path build(Path jdk, Path out, List<String> modules, Map<String, String> environment)
            throws IOException, InterruptedException {
        deleteTree(out);
        Files.createDirectories(out.getParent());
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules",
                String.join(",", modules), "--strip-debug", "--no-header-files", "--no-man-pages",
                "--generate-cds-archive", "--output", out.toString()));
        run(cmd, jlinkEnvironment(environment), 600);
        for (String removed : REMOVED) {
            Files.deleteIfExists(out.resolve(removed));
        }
        return out;
    }

    /**
     * The environment of jlink and its CDS dump: the build's, with {@code JAVA_TOOL_OPTIONS} replaced by
     * {@link #CDS_DUMP_OPTIONS} and without {@code JDK_JAVA_OPTIONS} and {@code _JAVA_OPTIONS}, which the dump's
     * launcher or JVM would apply after (over) the pinned options.
     */
    static Map<String, String> jlinkEnvironment(Map<String, String> environment) {
        Map<String, String> env = new TreeMap<>(environment);
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.put("JAVA_TOOL_OPTIONS", CDS_DUMP_OPTIONS);
        return env;
    }

    static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        return run(cmd, System.getenv(), timeoutSeconds);
    }

    private static String run(List<String> cmd, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }

    private static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
