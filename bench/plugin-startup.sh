#!/usr/bin/env bash
# Start-up benchmark of the packaged tresor plugin, started the way Velero starts it (see README).
# Usage: bench/plugin-startup.sh [starts]   (default 25; builds the tree first if it is missing)
# Last line: startup_ms_p50=… startup_ms_p90=… rss_mb=… execute_us_p50=…  (Execute: median of the last 10,000 of
# 40,000 calls to one fresh process; the lines before it give the medians of the process's earlier calls, i.e. the
# plugin's JIT warm-up, and first_execute_ms_p50; reference_java_version_ms_p50 is this JDK's plain `java -version`,
# started between the plugin's starts, as a yardstick for the machine's speed at the time of the run). The Java
# client is warmed before anything is measured, and the starts are 200 ms apart, so the harness's own JIT and the
# previous process's exit stay off the measured starts.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
STARTS="${1:-25}"
if [ ! -x images/target/velero-plugin/tresor ] || [ ! -x images/target/velero-plugin-test/tresor ]; then
  ./mvnw -B -q package -DskipTests >&2
fi
./mvnw -B -q install -DskipTests -pl proto,plugin-framework,plugin-testkit >&2
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -q -pl plugin-testkit dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >&2
# Velero (Go's os/exec) starts a plugin with vfork + exec. Java's default starts a helper, jspawnhelper, which then
# execs the plugin: ~3 ms more per start, measured with a program that prints a handshake line at once (p50 6.3 vs
# 3.5 ms). VFORK is Java's vfork + exec (deprecated in JDK 25: it prints one warning on this script's stderr).
"$JAVA_HOME/bin/java" -Djdk.lang.Process.launchMechanism=VFORK --enable-native-access=ALL-UNNAMED -cp "plugin-testkit/target/classes:$(cat "$CP_FILE")" \
  io.tresor.plugin.testkit.bench.PluginStartupBench \
  "$PWD/images/target/velero-plugin/tresor" "$PWD/images/target/velero-plugin-test/tresor" "$STARTS"
