#!/usr/bin/env bash
# ImageStream capture benchmark (issue 4): a multi-layer image of SIZE MiB (default 540, 6 layers) captured by the
# shipped tresor executable (its -Xmx64m applies) from docker-registry into S3Proxy (SSE-C), captured again into a
# second backup (incremental), and copied with `skopeo copy` into a second docker-registry whose storage driver is the
# same S3 server — what the OADP plugin effectively does. Everything on 127.0.0.1; needs docker-registry and skopeo
# (apt-get install -y --no-install-recommends docker-registry skopeo).
# S3Proxy (in the bench JVM) is warmed up first with 256 MiB of multipart uploads, with and without SSE-C, and both
# paths then run once, untimed, on another 96 MiB image, so that neither measured copy meets a cold S3 server.
# Usage: bench/imagestream-capture.sh [SIZE_MIB]   (builds the plugin tree and the test classes first)
# Last line: tresor_s=… skopeo_s=… ratio=… incremental_uploaded_bytes=… max_heap_mb=… peak_rss_mb=… image_mb=… first_uploaded_bytes=…
#   max_heap_mb is the executable's enforced -Xmx (it runs with -XX:+ExitOnOutOfMemoryError, so finishing proves it held);
#   peak_rss_mb is the plugin process' VmHWM (JVM + native launcher, all of it counts against the Velero pod).
# The line before it: where the CPU went during the measured copies (tresor_plugin_cpu_s, tresor_s3_cpu_s = the bench
# JVM hosting S3Proxy, incremental_s, incremental_plugin_cpu_s, skopeo_s3_cpu_s). The plugin's own log lines go to
# the bench log (bench.log in the work directory, kept only when the bench fails).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
SIZE="${1:-540}"
CP_FILE=$(mktemp)
WORK=$(mktemp -d /tmp/tresor-bench-XXXXXX)
trap 'rm -rf "$CP_FILE" "$WORK"' EXIT
# one reactor build: the class path then names this checkout's modules, not whatever ~/.m2 holds
./mvnw -B -q -pl images -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
# S3Proxy keeps every object in this JVM's heap (transient store): two copies of the image
"$JAVA_HOME/bin/java" -Xmx4g -cp "images/target/test-classes:$(cat "$CP_FILE")" io.tresor.images.ImageStreamCaptureBench \
  "$PWD/images/target/velero-plugin/tresor" "$WORK" "$SIZE" 2> "$WORK/bench.log" | tail -2 \
  || { tail -50 "$WORK/bench.log" >&2; exit 1; }
