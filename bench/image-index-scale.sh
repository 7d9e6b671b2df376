#!/usr/bin/env bash
# Image index scale bench: the per-ImageStream index write path and the GC inventory + decision in a JVM with the
# plugin's -Xmx64m (-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError, as shipped), against S3Proxy with SSE-C enforced
# (the module tests' S3 server, hosted by the bench JVM; the measured child only talks HTTP to it).
# Synthetic ImageStreams: 5 tags x 3 revisions, 11 blobs per image (8 base layers shared by all, 3 of its own); the
# daily backups move each ImageStream one image on, so they share most blobs.
# Usage: bench/image-index-scale.sh [STREAMS] [GC_BACKUPS] [GC_STREAMS_PER_BACKUP]   (defaults 300 30 100; builds first)
# Last line: streams=… capture_index_bytes_per_stream=… capture_index_reads=… capture_index_puts=… capture_ms=…
#   capture_peak_heap_mb=… gc_backups=… gc_documents=… gc_stored_blobs=… gc_unreferenced=… gc_ms=… gc_peak_heap_mb=…
#   gc_retained_heap_mb=… max_heap_mb=… gc_streams_per_backup=…
#   *_peak_heap_mb is the heap in use sampled every 10 ms (garbage not yet collected included); gc_retained_heap_mb is
#   what is live after a full GC while the sweep input is still referenced. capture_index_reads counts GETs.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
STREAMS="${1:-300}"
BACKUPS="${2:-30}"
GC_STREAMS="${3:-100}"
CP_FILE=$(mktemp)
WORK=$(mktemp -d /tmp/tresor-index-bench-XXXXXX)
trap 'rm -rf "$CP_FILE" "$WORK"' EXIT
./mvnw -B -q -pl backup-item-action -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
# S3Proxy keeps every object in this JVM's heap (transient store)
"$JAVA_HOME/bin/java" -Xmx2g -cp "backup-item-action/target/test-classes:backup-item-action/target/classes:$(cat "$CP_FILE")" \
  io.tresor.actions.backup.ImageIndexScaleBench "$WORK" "$STREAMS" "$BACKUPS" "$GC_STREAMS" 2> "$WORK/bench.log" | tail -1 \
  || { tail -50 "$WORK/bench.log" >&2; cat "$WORK/child.err" >&2 2>/dev/null; exit 1; }
