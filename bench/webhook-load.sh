#!/usr/bin/env bash
# Load benchmark of the tresor admission webhook (not part of CI).
# Builds the webhook, starts the real server on 127.0.0.1 against a cluster snapshot (the test fixture), measures the
# time to /readyz, drives it over TLS keep-alive with the table-case reviews (throughput, then latency at a fixed
# rate), and ends with one line: rps=… p50_ms=… p99_ms=… rss_mb=…
# Knobs (env): SECONDS_PER_PHASE (5), RATE (1000 reviews/s for the latency phase), CONNECTIONS (8),
#              WARMUP_SECONDS (10: closed-loop warm-up before measuring, so the JIT reaches steady state),
#              HTTPS_PORT (18443), ADMIN_PORT (18080), SKIP_BUILD (unset),
#              AOT (1: a first, unmeasured start records a JDK 25 AOT cache that the measured start uses, as the
#              container image would ship it; 0: plain JVM start).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
SECONDS_PER_PHASE="${SECONDS_PER_PHASE:-5}"
RATE="${RATE:-1000}"
CONNECTIONS="${CONNECTIONS:-8}"
WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
HTTPS_PORT="${HTTPS_PORT:-18443}"
AOT="${AOT:-1}"
ADMIN_PORT="${ADMIN_PORT:-18080}"
WORK="$(mktemp -d /tmp/tresor-webhook-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -pl webhook -am package -DskipTests >&2
fi
./mvnw -B -q -pl webhook dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >&2
./mvnw -B -q -pl webhook dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/run.txt" >&2
CP="webhook/target/classes:webhook/target/test-classes:$(cat "$WORK/cp.txt")"
# the server runs from jars only (an AOT cache cannot hold classes from directories)
SERVER_CP="$(ls webhook/target/tresor-webhook-*.jar | head -1):$(cat "$WORK/run.txt")"

"$JAVA" -cp "$CP" io.tresor.webhook.bench.BenchCertificates "$WORK/tls"

start_server() { # $@: extra JVM flags; sets SERVER_PID and ready_ms
  local start_ns
  start_ns=$(date +%s%N)
  "$JAVA" -Xmx256m -XX:+UseSerialGC "$@" -cp "$SERVER_CP" io.tresor.webhook.WebhookMain --cert-dir "$WORK/tls" \
    --cluster-snapshot webhook/src/test/resources/reviews/cluster.json --host 127.0.0.1 \
    --https-port "$HTTPS_PORT" --admin-port "$ADMIN_PORT" --shutdown-delay-seconds 0 >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local ready=""
  for _ in $(seq 1 1000); do
    if curl -fsS "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null 2>&1; then ready=yes; break; fi
    sleep 0.01
  done
  if [ -z "$ready" ]; then echo "server not ready after 10 s:" >&2; cat "$WORK/server.log" >&2; exit 1; fi
  ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

JVM_FLAGS=()
if [ "$AOT" = 1 ]; then
  # training run: start, serve a short burst of reviews, stop; the JVM writes the cache at exit
  start_server -XX:AOTCacheOutput="$WORK/webhook.aot"
  "$JAVA" -cp "$CP" io.tresor.webhook.bench.LoadDriver "$HTTPS_PORT" "$WORK/tls/tls.crt" \
    webhook/src/test/resources/reviews 2 500 4 3 >/dev/null 2>&1
  stop_server
  if [ -f "$WORK/webhook.aot" ]; then JVM_FLAGS=(-XX:AOTCache="$WORK/webhook.aot"); fi
fi
start_server "${JVM_FLAGS[@]}"
echo "ready_ms=$ready_ms (${JVM_FLAGS[*]:-no AOT cache})" >&2

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
ticks_before=$(cpu_ticks)
result=$(timeout $((SECONDS_PER_PHASE * 2 + WARMUP_SECONDS + 60)) "$JAVA" -cp "$CP" io.tresor.webhook.bench.LoadDriver "$HTTPS_PORT" \
  "$WORK/tls/tls.crt" webhook/src/test/resources/reviews "$SECONDS_PER_PHASE" "$RATE" "$CONNECTIONS" "$WARMUP_SECONDS" \
  2>"$WORK/driver.err")
ticks=$(( $(cpu_ticks) - ticks_before ))
requests=$(sed -n 's/^requests=//p' "$WORK/driver.err")
# server CPU per review: what the box could do with free cores, independent of other load on a shared machine
echo "requests=$requests server_cpu_us_per_review=$(( ticks * 1000000 / $(getconf CLK_TCK) / requests )) load=$(cut -d' ' -f1 /proc/loadavg)" >&2
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
echo "$result rss_mb=$((rss_kb / 1024))"
