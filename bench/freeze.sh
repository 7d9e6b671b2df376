#!/usr/bin/env bash
# Measures the freeze agent against a real loop-mounted ext4 (root only) and prints ONE line:
#   freeze_call_ms_p50=… thaw_after_handle_ms_p50=… lease_overrun_ms=…
# freeze_call: Freeze RPC round trip (TokenReview, cluster checks, FIFREEZE) from a gRPC client;
# thaw_after_handle: the snapshot content gets its handle in the (mock) API server → a blocked
# write in the volume goes through; lease_overrun: worst delay of an expired lease's thaw.
# Usage: bench/freeze.sh [freezes=30] [handles=15] [leases=5]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ "$(id -u)" != 0 ]; then
  echo "bench/freeze.sh: needs root (loop device, mount, FIFREEZE)" >&2
  exit 2
fi
# one reactor build, so that tresor-proto resolves to proto/target/classes (not a stale local jar)
./mvnw -B -q -pl freeze-agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="freeze-agent/target/classes:freeze-agent/target/test-classes:$(cat freeze-agent/target/bench.classpath)"
"$JAVA_HOME/bin/java" -Djava.util.logging.config.file=freeze-agent/src/test/resources/logging.properties \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} -cp "$CP" io.tresor.freeze.it.FreezeBench "$@" | tail -n 1
