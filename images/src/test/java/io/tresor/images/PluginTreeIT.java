package io.tresor.images;

import io.tresor.proto.velero.PluginIdentifier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.tresor.plugin.testkit.PluginProcess;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged tree as Velero scans /plugins: lstat, recursively, any execute bit or a symlink counts. */
class PluginTreeIT {

    @Test
    void installCopiesATreeWithExactlyOneExecutableAndNoSymlinks(@TempDir Path pluginsDir) throws Exception {
        Process p = new ProcessBuilder(PluginTrees.shipped().toString(), "install", pluginsDir.toString())
                .redirectErrorStream(false).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).isEmpty();

        List<Path> executables = new ArrayList<>();
        List<Path> symlinks = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(pluginsDir)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    symlinks.add(f);
                } else if (a.isRegularFile()) {
                    files++;
                    if (a.permissions().contains(PosixFilePermission.OWNER_EXECUTE)
                            || a.permissions().contains(PosixFilePermission.GROUP_EXECUTE)
                            || a.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)
                            || f.getFileName().toString().toLowerCase().endsWith(".exe")) {
                        executables.add(f);
                    }
                }
            }
        }
        assertThat(symlinks).isEmpty();
        assertThat(executables).containsExactly(pluginsDir.resolve("tresor"));
        assertThat(files).as("files Velero 1.16+ warns about at every start").isLessThanOrEqualTo(70);
        assertThat(pluginsDir.resolve("tresor.d/rt/bin")).doesNotExist();

        // The installed copy is a working plugin in its new place, with its AOT cache and jars intact.
        try (PluginProcess installed = PluginProcess.start(pluginsDir.resolve("tresor"))) {
            assertThat(PluginLifecycleIT.listPlugins(installed).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            assertThat(installed.shutdown().status()).isZero();
            assertThat(installed.stderrLines()).as("no JVM warning about a rejected AOT cache")
                    .noneMatch(l -> l.contains("warning"));
        }
    }

    @Test
    void installReplacesAnOlderTreeWhole(@TempDir Path pluginsDir) throws Exception {
        Files.createDirectories(pluginsDir.resolve("tresor.d/app"));
        Files.writeString(pluginsDir.resolve("tresor.d/app/stale.jar"), "old");
        Process p = new ProcessBuilder(PluginTrees.shipped().toString(), "install", pluginsDir.toString()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(pluginsDir.resolve("tresor.d/app/stale.jar")).doesNotExist();
        assertThat(pluginsDir.resolve("tresor.d/jvmopts")).exists();
    }

    @Test
    void installWithoutATargetExplainsUsage() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PluginTrees.shipped().toString(), "install").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("usage: tresor install");
    }

    @Test
    void jvmOptionsKeepTheJvmOffStdoutAndCapResources() throws IOException {
        List<String> opts = Files.readAllLines(PluginTrees.shipped().resolveSibling("tresor.d/jvmopts"));
        assertThat(opts).contains("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=2");
        assertThat(opts).anyMatch(o -> o.startsWith("-Xmx"));
        assertThat(opts).anyMatch(o -> o.startsWith("-XX:ErrorFile=/tmp/"));
        assertThat(opts).anyMatch(o -> o.matches("-XX:AOTCache=@DIR@/[0-9a-f]{16}\\.aot"));
        assertThat(opts).contains("-XX:+ExitOnOutOfMemoryError");
        // C2 stays on in the shipped options (only the AOT training runs C1 only): SHA-256/AES intrinsics need it
        assertThat(opts).noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
    }

    @Test
    void javaOptionsFromVelerosEnvironmentCannotReachTheJvm() throws Exception {
        // -XX:+PrintFlagsFinal would print hundreds of lines to stdout before the handshake if honoured.
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped(), PluginProcess.VELERO_SERVER_ARGS,
                java.util.Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintFlagsFinal", "_JAVA_OPTIONS", "-XX:+PrintFlagsFinal",
                        "JDK_JAVA_OPTIONS", "-XX:+PrintFlagsFinal"))) {
            assertThat(plugin.handshake().protocol()).isEqualTo("grpc");
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(plugin.stderrLines()).noneMatch(l -> l.contains("Picked up"));
        }
    }

    @Test
    void theAotCacheIsMappedAtItsBuildAddressInEveryProcessAndResident() throws Exception {
        // Two processes: a relocated cache (the JDK's default) sits at a different random address in each and is
        // rewritten page by page. (What the launcher's MAP_POPULATE saves is time, which bench/plugin-startup.sh
        // measures; here only that the mapping is whole.)
        try (PluginProcess a = PluginProcess.start(PluginTrees.shipped());
             PluginProcess b = PluginProcess.start(PluginTrees.shipped())) {
            List<String[]> regionsA = metadataRegions(a.pid());
            List<String[]> regionsB = metadataRegions(b.pid());
            assertThat(regionsA).as("AOT cache metadata mappings (address, size kB, rss kB)").hasSize(2);
            assertThat(regionsA.stream().map(r -> r[0]).toList())
                    .isEqualTo(regionsB.stream().map(r -> r[0]).toList());
            long size = regionsA.stream().mapToLong(r -> Long.parseLong(r[1])).sum();
            long rss = regionsA.stream().mapToLong(r -> Long.parseLong(r[2])).sum();
            assertThat(size).as("cache regions").isGreaterThan(10_000);
            assertThat(rss).as("resident kB of %d kB mapped", size).isGreaterThanOrEqualTo(size * 95 / 100);
            assertThat(a.shutdown().status()).isZero();
            assertThat(b.shutdown().status()).isZero();
        }
    }

    @Test
    void theHeapIsInHugePagesWhereTheKernelOffersThem(@TempDir Path dir) throws Exception {
        // -XX:+UseTransparentHugePages: with THP "madvise" or "always" the heap's first touches are a few 2 MB faults
        // instead of hundreds of 4 KB ones (each a trap to the hypervisor in a VM). With "never" there is nothing to
        // check here: the JVM then keeps 4 KB pages, silently (no warning line for Velero's log). The JVM's own
        // page-size log says what it chose (whether the kernel then finds free huge pages is its business).
        String thp = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        Assumptions.assumeFalse(thp.contains("[never]"), "THP is off on this machine: " + thp.strip());
        Path log = dir.resolve("pagesize.log");
        try (PluginProcess plugin = PluginProcess.start(linkedCopy(dir, "-Xlog:pagesize=info:file=" + log))) {
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(plugin.stderrLines()).noneMatch(l -> l.contains("pagesize"));
        }
        assertThat(Files.readAllLines(log)).anySatisfy(l -> assertThat(l).contains("Heap:").endsWith("page_size=2M"))
                .anySatisfy(l -> assertThat(l).contains("CodeCache:").endsWith("page_size=2M"));
    }

    @Test
    void theApplicationJarIsNotOpenedBeforeVelerosFirstCall() throws Exception {
        // Any class-path lookup that misses (a library probing for an optional class) reads the jar's central
        // directory: ~23,000 entries, ~35 ms of CPU before the handshake. Everything up to ListPlugins must come from
        // the AOT cache and the runtime image. (The JVM opens no class-path jar itself: the cache records its size
        // and time and reads nothing from it.)
        Path jar = PluginTrees.shippedApplicationJar();
        assertThat(jar).isRegularFile();
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped())) {
            assertThat(openFiles(plugin.pid())).as("files open at the handshake").isNotEmpty().doesNotContain(jar);
            assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            assertThat(openFiles(plugin.pid())).as("files open after ListPlugins").doesNotContain(jar);
            assertThat(plugin.shutdown().status()).isZero();
        }
    }

    @Test
    void theListenerUsesNettysEpollLibraryFromTheTreeNeverACopyOfIt() throws Exception {
        // Left to netty, the library is extracted from the jar into the temp directory at every start; the tree ships
        // it as a plain file on java.library.path. Mapped from anywhere else means extracted (or the NIO fallback,
        // which maps no netty library at all).
        Path shippedLibrary;
        try (Stream<Path> libs = Files.list(PluginTrees.shipped().resolveSibling("tresor.d/native"))) {
            shippedLibrary = libs.filter(p -> p.getFileName().toString().contains("netty_transport_native_epoll"))
                    .findFirst().orElseThrow();
        }
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped())) {
            List<String> nettyMappings = Files.readAllLines(Path.of("/proc/" + plugin.pid() + "/maps")).stream()
                    .filter(line -> line.contains("netty"))
                    .map(line -> line.substring(line.indexOf('/')))
                    .distinct()
                    .toList();
            assertThat(nettyMappings).as("netty libraries mapped by the plugin")
                    .containsExactly(shippedLibrary.toRealPath().toString());
            assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            assertThat(plugin.shutdown().status()).isZero();
        }
    }

    @Test
    void theJitCompilersRunAtALowerPriorityThanThePluginsThreads() throws Exception {
        try (PluginProcess plugin = PluginProcess.start(PluginTrees.shipped())) {
            java.util.Map<String, Integer> niceByThread = new java.util.TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + plugin.pid() + "/task"))) {
                for (Path task : tasks.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (java.nio.file.NoSuchFileException e) {
                        continue; // a start-up thread (preinit, listener) ended since the listing
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    // fields after the name: state is field 3, nice field 19
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    niceByThread.merge(name, Integer.parseInt(fields[16]), Math::max);
                }
            }
            assertThat(niceByThread).containsEntry("C1 CompilerThre", 5).containsEntry("C2 CompilerThre", 5)
                    .containsEntry("tresor-io-1-1", 0).containsEntry("VM Thread", 0);
            assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            assertThat(plugin.shutdown().status()).isZero();
        }
    }

    @Test
    void noMethodHandleFormIsSpunBeforeVelerosFirstCall(@TempDir Path dir) throws Exception {
        // The build adds the forms netty resolves at start to the runtime's lambda-form list, so the AOT cache's
        // holder classes have them. Traced in a copy of the shipped tree.
        try (PluginProcess plugin = PluginProcess.start(
                linkedCopy(dir, "-Djava.lang.invoke.MethodHandle.TRACE_RESOLVE=true"))) {
            assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            // Up to Velero's first call only: what a connection's teardown resolves at exit depends on timing (a
            // socket error's message, say) and costs no caller anything. The trace is written before ListPlugins
            // answers; the pause lets the test kit's stderr reader catch up with it.
            Thread.sleep(300);
            List<String> resolved = plugin.stderrLines().stream().filter(l -> l.startsWith("[LF_RESOLVE]")).toList();
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(resolved).as("netty's start resolves method-handle forms").isNotEmpty()
                    .noneMatch(l -> l.endsWith("(fail)"));
        }
    }

    @Test
    void protobufsVersionCheckIsNeverSetUpForVelerosCalls(@TempDir Path dir) throws Exception {
        // protobuf's gencode version check formats a version string on first use, which loads the JDK's locale data
        // for number formatting: ~5-12 ms of CPU. The build drops the check from tresor's generated classes and the
        // services marshal protobuf's own Empty lazily (proto/pom.xml, StdioService, LazyProtoMarshaller); nothing a
        // plugin process does for Velero's usual calls may set it up: go-plugin's streams, ListPlugins, AppliesTo.
        Path log = dir.resolve("class-init.log");
        try (PluginProcess plugin = PluginProcess.start(linkedCopy(dir, "-Xlog:class+init=info:file=" + log))) {
            for (PluginIdentifier id : PluginLifecycleIT.listPlugins(plugin).getPluginsList()) {
                if (id.getKind().equals("BackupItemActionV2")) {
                    io.tresor.proto.velero.v2.BackupItemActionGrpc.newBlockingStub(plugin.channel()).appliesTo(
                            io.tresor.proto.velero.v2.BackupItemActionAppliesToRequest.newBuilder()
                                    .setPlugin(id.getName()).build());
                } else if (id.getKind().equals("RestoreItemActionV2")) {
                    io.tresor.proto.velero.v2.RestoreItemActionGrpc.newBlockingStub(plugin.channel()).appliesTo(
                            io.tresor.proto.velero.v2.RestoreItemActionAppliesToRequest.newBuilder()
                                    .setPlugin(id.getName()).build());
                }
            }
            assertThat(plugin.shutdown().status()).isZero();
        }
        assertThat(Files.readString(log))
                .as("classes initialised (the log works: the Velero services' messages are in it)")
                .contains("'io/tresor/proto/velero/v2/BackupItemActionAppliesToResponse'")
                .doesNotContain("'com/google/protobuf/RuntimeVersion'");
    }

    @Test
    void theApplicationJarHasNothingInThePackagesTheRuntimeClaimsAsAbsent() throws IOException {
        // io.tresor.absentpackages owns these packages in the runtime image, so that probes for optional classes
        // end there. A dependency that brought real classes in one of them would have them silently hidden.
        Path jar = PluginTrees.shippedApplicationJar();
        // the module as jlink linked it (images/target/runtime-modules, beside the tree)
        Path runtimeModules = PluginTrees.shipped().getParent().resolveSibling("runtime-modules");
        List<String> claimed = java.lang.module.ModuleFinder.of(runtimeModules).find("io.tresor.absentpackages")
                .orElseThrow().descriptor().packages().stream().map(p -> p.replace('.', '/') + "/").toList();
        assertThat(claimed).contains("libcore/io/", "io/perfmark/impl/");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(name -> claimed.stream().anyMatch(name::startsWith)).toList()).isEmpty();
        }
    }

    @Test
    void withoutNettysLibraryThePluginStillServesAndSaysWhy(@TempDir Path dir) throws Exception {
        // An incomplete install (the native/ directory not copied): the JDK's channels take over and a warning says
        // which transport the plugin lost and why.
        try (PluginProcess plugin = PluginProcess.start(linkedCopy(dir, "", "native"))) {
            assertThat(PluginLifecycleIT.listPlugins(plugin).getPluginsList()).hasSize(PluginLifecycleIT.SHIPPED.size());
            assertThat(plugin.shutdown().status()).isZero();
            assertThat(plugin.stderrLines()).anySatisfy(line -> assertThat(line)
                    .contains("\"@level\":\"warn\"").contains("epoll transport is unavailable").contains("\"cause\":"));
        }
    }

    /**
     * A copy of the shipped tree in {@code dir} (hard links, so the AOT cache still matches) with its own jvmopts
     * ending in {@code extraOption} (blank: none), without the tresor.d entries named in {@code leftOut}; returns its
     * launcher.
     */
    private static Path linkedCopy(Path dir, String extraOption, String... leftOut) throws IOException {
        Path tree = PluginTrees.shipped().getParent();
        List<Path> skipped = Stream.of(leftOut).map(tree.resolve("tresor.d")::resolve).toList();
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.toList()) {
                if (skipped.stream().anyMatch(p::startsWith)) {
                    continue;
                }
                Path target = dir.resolve(tree.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("jvmopts")) {
                    Files.createLink(target, p);
                }
            }
        }
        String opts = Files.readString(tree.resolve("tresor.d").resolve("jvmopts"));
        Files.writeString(dir.resolve("tresor.d").resolve("jvmopts"),
                extraOption.isBlank() ? opts : opts + extraOption + "\n");
        return dir.resolve("tresor");
    }

    /** The regular files a process has open, from /proc/<pid>/fd. */
    private static List<Path> openFiles(long pid) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.isAbsolute() && Files.isRegularFile(target)) {
                        files.add(target);
                    }
                } catch (IOException e) {
                    // closed since the listing
                }
            }
        }
        return files;
    }

    /**
     * Start address, size and RSS (kB) of the cache's two metadata regions (read-write and read-only, megabytes each;
     * its small code region is placed anywhere in any mode), from /proc/<pid>/smaps.
     */
    private static List<String[]> metadataRegions(long pid) throws IOException {
        List<String[]> regions = new ArrayList<>();
        String start = null;
        String size = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                start = line.endsWith(".aot") ? line.substring(0, line.indexOf('-')) : null;
            } else if (start != null && line.startsWith("Size:")) {
                size = line.replaceAll("\\D", "");
            } else if (start != null && line.startsWith("Rss:") && Long.parseLong(size) >= 1024) {
                regions.add(new String[] {start, size, line.replaceAll("\\D", "")});
            }
        }
        return regions;
    }
}
