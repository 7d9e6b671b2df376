package io.tresor.imagebuilder;

import com.google.cloud.tools.jib.api.JibContainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Writes the three OCI archives into {@code --out}: the plugin init image, the webhook image and the freeze-agent
 * image (see images/README.md). Run by the images module at package time, after the plugin tree is built.
 */
public final class ImageBuilderMain {
    /** Numeric, so that runAsNonRoot can check it; OpenShift assigns its own UID anyway, nothing depends on it. */
    static final String NON_ROOT = "65532";
    /** JVM options of both servers in a container: see images/README.md for why each is there. */
    static final List<String> SERVER_JVM_OPTIONS = List.of("-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:ErrorFile=/tmp/hs_err_pid%p.log", "-Djava.awt.headless=true");
    static final String WEBHOOK_MAIN = "io.tresor.webhook.WebhookMain";
    static final String AGENT_MAIN = "io.tresor.freeze.FreezeAgentMain";

    private ImageBuilderMain() {
    }

    /** {@code --name=value} arguments; see the images module's POM for the full set. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            a.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        long t0 = System.nanoTime();
        Path jdk = Path.of(need(a, "jdk"));
        RuntimeBuilder.requireJdk25(jdk);
        ImageNames names = new ImageNames(need(a, "registry"), need(a, "version"));
        Path out = Path.of(need(a, "out"));
        Path work = Path.of(need(a, "work"));
        Path pluginTree = Path.of(need(a, "plugin-tree"));
        Path fsfreeze = Path.of(a.getOrDefault("fsfreeze", "/usr/sbin/fsfreeze"));
        Map<String, Path> webhookJars = jars(Path.of(need(a, "webhook-jar")), Path.of(need(a, "webhook-lib")), "webhook");
        Map<String, Path> agentJars = jars(Path.of(need(a, "agent-jar")), Path.of(need(a, "agent-lib")), "freeze-agent");
        if (!Files.isExecutable(fsfreeze)) {
            throw new IOException(fsfreeze + " is missing: apt-get install -y util-linux (the freeze agent's"
                    + " --freezer=fsfreeze runs it)");
        }

        Path runtime = RuntimeBuilder.build(jdk, work.resolve("java"));
        long jlinked = System.nanoTime();

        // One base for all three images: the loader and libraries that every ELF file of any of them needs.
        Map<String, ElfDeps> roots = new TreeMap<>();
        List<String> inImage = new ArrayList<>();
        for (Path tree : List.of(pluginTree, runtime)) {
            for (Path elf : TreeWalk.elfFiles(tree)) {
                roots.put(elf.toString(), ElfDeps.read(elf));
                inImage.add(elf.getFileName().toString());
            }
        }
        roots.put(fsfreeze.toString(), ElfDeps.read(fsfreeze));
        LibraryClosure.Result closure = LibraryClosure.of(roots, Set.copyOf(inImage), HostSystem::library, HostSystem::elf);
        List<String> hostFiles = new ArrayList<>(closure.libraries().values());
        hostFiles.addAll(closure.interpreters());
        JibImages.Layer base = new JibImages.Layer("glibc", Layouts.base(closure.libraries(), closure.interpreters(),
                HostSystem.copyrights(hostFiles)));
        JibImages.Layer utilLinux = new JibImages.Layer("fsfreeze", List.of(
                LayerEntry.file(fsfreeze, "/usr/sbin/fsfreeze", 0755),
                LayerEntry.file(HostSystem.copyrights(List.of(fsfreeze.toString())).values().iterator().next(),
                        "/usr/share/doc/util-linux/copyright", 0644)));
        JibImages.Layer plugin = new JibImages.Layer("plugin", Layouts.pluginTree(TreeWalk.of(pluginTree)));
        ServerLayers servers = ServerLayers.of(runtime, webhookJars, agentJars);
        List<JibImages.Image> images = List.of(
                new JibImages.Image(ImageNames.PLUGIN, List.of(base, plugin),
                        List.of("/plugins/tresor", "install", "/target"), NON_ROOT, labels(names, ImageNames.PLUGIN)),
                new JibImages.Image(ImageNames.WEBHOOK,
                        List.of(base, servers.java(), servers.sharedJars(), servers.webhook()),
                        serverEntrypoint(List.of(), "webhook", webhookJars, servers.shared(), WEBHOOK_MAIN), NON_ROOT,
                        labels(names, ImageNames.WEBHOOK)),
                // root: FIFREEZE needs CAP_SYS_ADMIN in the host's mount namespace (the DaemonSet runs it privileged)
                new JibImages.Image(ImageNames.FREEZE_AGENT,
                        List.of(base, servers.java(), utilLinux, servers.sharedJars(), servers.agent()),
                        serverEntrypoint(List.of("--enable-native-access=ALL-UNNAMED"), "freeze-agent", agentJars,
                                servers.shared(), AGENT_MAIN), "0", labels(names, ImageNames.FREEZE_AGENT)));

        Path emptyDir = Files.createDirectories(work.resolve("empty"));
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            for (JibImages.Image image : images) {
                long t = System.nanoTime();
                Path archive = out.resolve(names.archive(image.name()));
                JibContainer c = JibImages.write(image, names.reference(image.name()), archive, emptyDir,
                        work.resolve("jib-cache"), executor);
                long files = image.layers().stream().mapToLong(l -> l.entries().stream().filter(e -> !e.directory()).count()).sum();
                System.out.printf("tresor image %s: %s (%d layers, %d files, %.1f MB unpacked, archive %.1f MB) %s in %.1f s%n",
                        names.reference(image.name()), archive, image.layers().size(), files, unpacked(image) / 1e6,
                        Files.size(archive) / 1e6, c.getDigest(), (System.nanoTime() - t) / 1e9);
            }
        } finally {
            executor.shutdownNow();
        }
        System.out.printf("tresor images: jlink %.1f s, all %.1f s%n", (jlinked - t0) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    private static List<String> serverEntrypoint(List<String> extra, String app, Map<String, Path> jars,
                                                 List<String> shared, String main) {
        List<String> cmd = new ArrayList<>(List.of(Layouts.JAVA_HOME + "/bin/java"));
        cmd.addAll(SERVER_JVM_OPTIONS);
        cmd.addAll(extra);
        String mainJar = jars.keySet().iterator().next();
        cmd.addAll(List.of("-cp", Layouts.classPath(app, mainJar, List.copyOf(jars.keySet()), shared), main));
        return cmd;
    }

    /** The shared jars (from {@code app}'s copies, the same bytes) or {@code app}'s own. */
    static JibImages.Layer jarLayer(String name, String app, Map<String, Path> jars, List<String> shared,
                                            boolean sharedOnes) {
        List<LayerEntry> entries = new ArrayList<>();
        jars.forEach((jar, path) -> {
            if (shared.contains(jar) == sharedOnes) {
                entries.add(LayerEntry.file(path, Layouts.jarPath(app, jar, shared), 0644));
            }
        });
        entries.sort(java.util.Comparator.comparing(LayerEntry::target));
        return new JibImages.Layer(name, entries);
    }

    /** The application's jar first, then its dependencies, by file name. */
    static Map<String, Path> jars(Path mainJar, Path libDir, String app) throws IOException {
        if (!Files.isRegularFile(mainJar) || !Files.isDirectory(libDir)) {
            throw new IOException(mainJar + " or " + libDir + " is missing: the " + app + " module's package phase"
                    + " writes them; build the whole reactor (./mvnw package) or add -am");
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put(mainJar.getFileName().toString(), mainJar);
        try (Stream<Path> libs = Files.list(libDir)) {
            libs.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> jars.put(p.getFileName().toString(), p));
        }
        return jars;
    }

    static Map<String, String> digests(Map<String, Path> jars) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        for (Map.Entry<String, Path> e : jars.entrySet()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(e.getValue()), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            digests.put(e.getKey(), HexFormat.of().formatHex(sha.digest()));
        }
        return digests;
    }

    private static Map<String, String> labels(ImageNames names, String name) {
        return Map.of("org.opencontainers.image.title", name, "org.opencontainers.image.version", names.version(),
                "org.opencontainers.image.vendor", "tresor");
    }

    private static long unpacked(JibImages.Image image) {
        long sum = 0;
        for (JibImages.Layer l : image.layers()) {
            for (LayerEntry e : l.entries()) {
                try {
                    sum += e.directory() ? 0 : Files.size(e.source());
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        }
        return sum;
    }

    private static String need(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return v;
    }
}
