#!/usr/bin/env bash
# Assembles the tresor plugin tree for Velero's /plugins (see README "Plugin executable"):
#   <out>/tresor           native launcher, the ONLY executable file
#   <out>/tresor.d/jvmopts  JVM options (@DIR@ = tresor.d), main class
#   <out>/tresor.d/rt/      jlinked Temurin 25 runtime, no bin/, no executables, no symlinks
#   <out>/tresor.d/app/     the application jar (shaded: one file)
#   <out>/tresor.d/<id>.aot JDK 25 AOT cache trained on this exact runtime and these jars
# and a test tree (<test-out>) = the same plus the test kit's jar (test-only actions).
# <runtime-modules> holds tresor's own modules that are linked into the runtime (io.tresor.jdklogging).
set -euo pipefail

JDK="$1"; OUT="$2"; APP_JAR="$3"; MAIN="$4"; LAUNCHER_SRC="$5"; TEST_JARS="$6"; TEST_OUT="$7"; RUNTIME_MODULES="$8"
# From jdeps --print-module-deps of the shaded jar; java.desktop (java.beans) and java.security.jgss are optional
# there and left out. jdk.net: the S3 client sets TCP keep-alive options through jdk.net.Sockets. jdk.jfr: netty
# calls jdk.jfr.FlightRecorder.isAvailable() while it starts; with the module missing, that miss is looked up on the
# class path, which opened the 48 MB application jar on the listener thread before the handshake.
MODULES="java.base,java.logging,java.naming,java.net.http,java.management,java.xml,java.sql,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.net,jdk.jfr"

die() { echo "ERROR: $*" >&2; exit 1; }
[ -x "$JDK/bin/jlink" ] || die "Temurin JDK 25 not found at $JDK (it provides the plugin's runtime via jlink and the AOT cache). Install it or build with -Dtresor.jdk25.home=<jdk-25-dir>."
"$JDK/bin/java" -version 2>&1 | grep -q 'version "25' || die "$JDK is not a JDK 25 (the AOT cache format and options need exactly JDK 25)."
command -v gcc >/dev/null || die "gcc not found: apt-get install -y gcc libc6-dev (it compiles the native launcher)."

D="$OUT/tresor.d"
rm -rf "$OUT" "$TEST_OUT"
mkdir -p "$D/app"

# Runtime: jlink, then drop every executable and helper the plugin never uses; Velero would try to run
# anything executable, and a symlink counts as executable for it.
# io.tresor.jdklogging provides the JDK's LoggerFinder from the image, so that java.util.logging's start-up does not
# scan the class path for one: that scan opened the 48 MB application jar before the handshake (~33 ms of CPU).
# io.tresor.absentpackages owns the packages of optional classes that libraries probe for by name (protobuf's Android
# probes, gRPC's PerfMark implementation and context-storage override), so that those misses end in the image too.
ls "$RUNTIME_MODULES"/*.jar >/dev/null 2>&1 || die "no runtime modules in $RUNTIME_MODULES (tresor-jdk-logging, tresor-absent-packages)"
"$JDK/bin/jlink" --module-path "$RUNTIME_MODULES" --add-modules "$MODULES,io.tresor.jdklogging,io.tresor.absentpackages" --strip-debug --no-header-files --no-man-pages --output "$D/rt"
rm -rf "$D/rt/bin" "$D/rt/lib/jexec" "$D/rt/lib/jspawnhelper" "$D/rt/lib/classlist" "$D/rt/lib/jrt-fs.jar"
rm -f "$D"/rt/lib/server/*.jsa
# JFR's recording settings: netty only asks whether JFR is available; nobody records in the plugin.
rm -rf "$D/rt/lib/jfr"
# jlink's symlinks are the per-module copies of java.base's license texts: java.base's apply to all modules.
find "$D/rt" -type l -delete
find "$D/rt/legal" -type d -empty -delete
[ -z "$(find "$D/rt" -type l)" ] || die "symlinks left in the runtime"

[ -f "$APP_JAR" ] || die "application jar $APP_JAR missing"
cp "$APP_JAR" "$D/app/tresor-plugin.jar"
# netty's epoll transport library, as a plain file the JVM loads from java.library.path: left in the jar, netty would
# extract it into /tmp at every start. Epoll's unix sockets spare the JDK's, whose first use sets up the JDK's
# security providers to seed a SecureRandom (see ServerTransport).
case "$(uname -m)" in
  x86_64) EPOLL_ARCH=x86_64 ;;
  aarch64) EPOLL_ARCH=aarch_64 ;;
  *) die "no netty epoll library for $(uname -m)" ;;
esac
EPOLL_LIB="libio_grpc_netty_shaded_netty_transport_native_epoll_$EPOLL_ARCH.so"
mkdir -p "$D/native"
APP_JAR_ABS="$(cd "$D/app" && pwd)/tresor-plugin.jar"
(cd "$D/native" && "$JDK/bin/jar" xf "$APP_JAR_ABS" "META-INF/native/$EPOLL_LIB" \
  && mv "META-INF/native/$EPOLL_LIB" . && rm -r META-INF) || die "cannot extract $EPOLL_LIB from the application jar"
[ -s "$D/native/$EPOLL_LIB" ] || die "$EPOLL_LIB missing from the application jar"
CLASSPATH=$(cd "$D/app" && ls -1 *.jar | sed 's#^#@DIR@/app/#' | paste -sd: -)
BUILD_ID=$(cd "$D/app" && sha256sum *.jar | sha256sum | cut -c1-16)

# mmap64/mmap and pthread_setname_np are exported so that libjvm.so binds to the launcher's (see the source).
gcc -O2 -Wall -Wextra -Werror -I"$JDK/include" -I"$JDK/include/linux" -o "$OUT/tresor" "$LAUNCHER_SRC" -ldl -lpthread \
  -Wl,--export-dynamic-symbol=mmap64 -Wl,--export-dynamic-symbol=mmap -Wl,--export-dynamic-symbol=pthread_setname_np
strip "$OUT/tresor"

find "$D" -type d -exec chmod 0755 {} +
find "$D" -type f -exec chmod 0644 {} +
chmod 0755 "$OUT/tresor"

write_opts() { # $1 = file, rest = extra options
  local f="$1"; shift
  {
    echo "# JVM options for the tresor launcher, one per line; @DIR@ is this directory."
    echo "main=$MAIN"
    echo "-Djava.class.path=$CLASSPATH"
    echo "-XX:+UseSerialGC"
    echo "-Xmx64m"
    # The AOT cache needs room for its archived heap objects (less than 8m fails to map it). With 8m, two young
    # collections ran before the handshake (3 + 14 ms, the second growing the heap); with 16m none, and RSS after
    # the handshake is 2 MB lower (no to-space and promoted copies touched).
    echo "-Xms16m"
    echo "-Xss512k"
    # Heap and code cache in 2 MB pages where the kernel offers them (THP mode "madvise" or "always"). In a VM the
    # first touch of each 4 KB page traps to the hypervisor: ~17 us per fault on this build machine, against ~1.6 us
    # per page populated in bulk, and the heap's and code cache's first touches were ~570 of the ~1,600 page faults
    # on the main thread before the handshake. Measured interleaved: start p50 -9 to -10 ms, RSS +2.6 MB. With THP
    # off ("never") the JVM keeps 4 KB pages; its warning about that is silenced below (-Xlog:pagesize).
    echo "-XX:+UseTransparentHugePages"
    echo "-XX:ActiveProcessorCount=2"
    # One code heap instead of three, and a 64 MB reservation instead of tiered compilation's 240 MB (an image
    # capture's process peaks at ~8 MB of compiled code); the interned-string table starts at 4,096 buckets instead
    # of 65,536 (it grows on its own, concurrently). Less to set up and to fault in before main: start p50 -3 to
    # -6 ms, measured interleaved.
    echo "-XX:-SegmentedCodeCache"
    echo "-XX:ReservedCodeCacheSize=64m"
    echo "-XX:StringTableSize=4096"
    echo "-XX:-UsePerfData"
    echo "-XX:+ExitOnOutOfMemoryError"
    # JVM messages go to stdout by default, which would corrupt the go-plugin handshake.
    echo "-XX:+DisplayVMOutputToStderr"
    echo "-XX:ErrorFile=/tmp/tresor-hs_err_pid%p.log"
    echo "-Xlog:disable"
    echo "-Xlog:all=warning:stderr"
    # "transparent huge pages are not supported": a line in Velero's log at every start on a node with THP off.
    echo "-Xlog:pagesize=error:stderr"
    echo "--enable-native-access=ALL-UNNAMED"
    # Without it netty (JDK 24+) frees direct buffers through an FFM downcall to free(3), whose method-handle
    # stubs are spun at every start and cannot be cached (measured ~100 ms); with it netty uses its Unsafe cleaner.
    echo "--sun-misc-unsafe-memory-access=allow"
    # netty's epoll library from the tree (see above), never extracted; the plugin's server listens with epoll.
    echo "-Djava.library.path=@DIR@/native"
    echo "-Dtresor.transport.epoll=@DIR@/native/$EPOLL_LIB"
    # The JDK's own provider, named: otherwise the first selector scans the class path for a provider, which opens
    # the 48 MB application jar on the listener thread before the handshake.
    echo "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider"
    # Reflective calls through JNI instead of spun method-handle accessors: netty and gRPC each make a few one-off
    # reflective calls while starting (channel constructors, epoll probe, process id), and spinning an accessor for
    # each cost ~15 ms of the listener's start-up; Jackson's model binding is no hot path in a plugin.
    echo "-Djdk.reflect.useNativeAccessorOnly=true"
    # netty's (and gRPC's) pooled buffers come in 4 MiB chunks, zeroed when allocated. Velero sends one call at a time
    # per connection with small messages, so unpooled buffers cost little; measured after ListPlugins with C2 on:
    # RSS 65 → 63 MB (pooled with 256 KiB chunks: 64.8 MB).
    echo "-Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled"
    # C1-compiling the class-file API's stack-map generator (hot while the JDK spins proxy and method-handle
    # classes at start) takes a 6.7 MB compiler arena that stays resident: measured RSS 69 → 62 MB without it.
    # "quiet" first: CompileCommand otherwise echoes itself on stdout.
    echo "-XX:CompileCommand=quiet"
    echo "-XX:CompileCommand=exclude,jdk.internal.classfile.impl.StackMapGenerator::processBlock"
    for o in "$@"; do echo "$o"; done
  } > "$f"
  chmod 0644 "$f"
}

# Compilers. Training and cache creation run C1 only, so the cache holds no C2 profiles: it stays as small, and the
# start as fast and as lean, as with C1 alone (measured: a cache trained with C2 costs ~7 MB more RSS per start).
# The shipped options add C2, which the JDK accepts with that cache: SHA-256 (every blob's digest, SigV4 payload
# hashes) and AES (TLS) have intrinsics only in C2; C1-compiled they run ~10x slower (SHA-256: 135 vs 1340 MiB/s),
# which made an image capture CPU-bound in the plugin. C2 costs ~20 MB more peak RSS during a capture.
C1_ONLY=("-XX:TieredStopAtLevel=1" "-XX:CICompilerCount=1")
TIERED=("-XX:CICompilerCount=2")  # one C1 and one C2 thread, the fewest tiered compilation accepts
# Image captures (bench/imagestream-capture.sh, 540 MiB, plugin CPU per capture measured with the async profiler):
# - C2 only for really hot code: with the default thresholds C2 compiled ~800 methods of one-off set-up paths
#   (2.6 CPU-s on a 2-core pod that also streams the image); 4x the tier-4 thresholds leaves the hashing and copy
#   loops on C2 (they cross any threshold in milliseconds).
# - The JDK HTTP client (registry pulls) reads 16 KiB per selector wake-up and hand-off by default; 256 KiB cuts
#   both 16-fold (a few buffers in flight per layer download: well inside -Xmx64m).
# - Young generation half the heap and no metaspace-triggered full GC: transient buffers die young instead of
#   being promoted and collected by full GCs (SerialGC pauses 450 -> 380 ms per capture).
# Together with the lazily read CA bundle: plugin CPU per capture 9.6-11.2 -> 6.2-6.6 s, incremental capture
# 4.6-4.9 -> 2.4-2.5 s. No effect on start-up (these paths do not run before the handshake).
CAPTURE=("-XX:Tier4InvocationThreshold=20000" "-XX:Tier4MinInvocationThreshold=2400" "-XX:Tier4CompileThreshold=60000"
  "-XX:Tier4BackEdgeThreshold=160000" "-Djdk.httpclient.bufsize=262144" "-XX:NewRatio=1" "-XX:MetaspaceSize=64m")

# Method-handle forms. The AOT training run regenerates the JDK's LambdaForm holder classes from the runtime's
# lib/classlist, as the JDK's own build does for its default CDS archive. The forms netty spins while it starts (it
# looks up ByteBuffer and MemorySegment methods through method handles) are found by a probe run with
# MethodHandle.TRACE_RESOLVE and added to the JDK's own list; held in the cache, nothing is spun for them at start
# (measured interleaved: start p50 -10 to -21 ms, listener thread -5 ms of CPU, RSS unchanged). The list is removed
# once the cache exists.
write_opts "$D/jvmopts" "${C1_ONLY[@]}" "-Dtresor.aot.training=true" "-Djava.lang.invoke.MethodHandle.TRACE_RESOLVE=true"
# (The driver is a gRPC client on the build JDK; noNative keeps netty from extracting its epoll library for it.)
(cd "$OUT" && TMPDIR=/tmp "$JDK/bin/java" -Dio.grpc.netty.shaded.io.netty.transport.noNative=true -Dtresor.aot.probe=true \
  -cp "$D/app/tresor-plugin.jar" io.tresor.plugin.main.AotTrainingDriver ./tresor 2> "$D/resolve.log" >/dev/null) \
  || { cat "$D/resolve.log" >&2; die "method-handle probe run failed"; }
{
  grep '^@lambda-form-invoker ' "$JDK/lib/classlist" || true
  { grep -h '^\[\(LF\|SPECIES\)_RESOLVE\] .* (fail)$' "$D/resolve.log" || true; } \
    | sed 's/ (fail)$//; s/^/@lambda-form-invoker /' | sort -u
} > "$D/rt/lib/classlist"
rm -f "$D/resolve.log"

# AOT cache, trained through the shipped launcher (the runtime has no bin/java to fork).
write_opts "$D/jvmopts" "${C1_ONLY[@]}" "-XX:AOTMode=record" "-XX:AOTConfiguration=@DIR@/train.aotconf" "-Dtresor.aot.training=true"
# Velero's calls come from the build JDK (AotTrainingDriver), so client-side classes stay out of the cache.
(cd "$OUT" && TMPDIR=/tmp "$JDK/bin/java" -Dio.grpc.netty.shaded.io.netty.transport.noNative=true \
  -cp "$D/app/tresor-plugin.jar" io.tresor.plugin.main.AotTrainingDriver ./tresor) \
  || die "AOT training run failed"
write_opts "$D/jvmopts" "${C1_ONLY[@]}" "-XX:AOTMode=create" "-XX:AOTConfiguration=@DIR@/train.aotconf" "-XX:AOTCache=@DIR@/$BUILD_ID.aot"
(cd "$OUT" && ./tresor >/dev/null) || die "AOT cache creation failed"
rm -f "$D/train.aotconf" "$D/rt/lib/classlist"
[ -s "$D/$BUILD_ID.aot" ] || die "AOT cache $D/$BUILD_ID.aot was not created"
chmod 0644 "$D/$BUILD_ID.aot"
# Replaying the training profiles makes the compilers work on Execute-path methods during start-up (measured: -25 ms
# of compiler CPU per start without the replay, no effect on the main thread).
# ArchiveRelocationMode=0: the cache is mapped where it was built to be (the JDK's default picks a random address and
# rewrites every pointer in it, ~50 ms here); the launcher populates the mapping (see tresor-launcher.c). The JVM
# still relocates if that address is taken. The cost: the cache's address is the same in every plugin process.
write_opts "$D/jvmopts" "${TIERED[@]}" "${CAPTURE[@]}" "-XX:AOTCache=@DIR@/$BUILD_ID.aot" "-XX:+UnlockDiagnosticVMOptions" \
  "-XX:-AOTReplayTraining" "-XX:ArchiveRelocationMode=0"

# Test tree: identical, plus test-only actions appended to the class path (the cache still applies).
cp -a "$OUT" "$TEST_OUT"
cp "$TEST_JARS"/*.jar "$TEST_OUT/tresor.d/app/"
chmod 0644 "$TEST_OUT"/tresor.d/app/*.jar
TEST_CP=$(cd "$TEST_JARS" && ls -1 *.jar | sed 's#^#@DIR@/app/#' | paste -sd: -)
sed -i "s#^-Djava.class.path=.*#&:$TEST_CP\n-Dtresor.action.registrars=io.tresor.plugin.testkit.actions.TestActions#" \
  "$TEST_OUT/tresor.d/jvmopts"

files=$(find "$OUT" -type f | wc -l)
echo "tresor plugin tree: $OUT ($files files, $(du -sh "$OUT" | cut -f1)), AOT cache $BUILD_ID.aot; test tree: $TEST_OUT"
