#!/usr/bin/env bash
# The pipeline end to end, co-located as `deploy/touchpoint up` runs it: sustained events/s and freshness.
#   deploy/bench/e2e/run.sh [runs=3] [probes per load=200]
# Needs only what `./mvnw verify` (or `./mvnw -DskipTests package`) built: the three packaged services and
# deploy/stack's jar and lib/. Per run: deploy/bench/journey/run.sh $JOURNEY_ARGS (one run) for the reference,
# then a fresh embedded stack and the three services; see README.md here for the method.
# JOURNEY=0 skips the reference; JOURNEY_ARGS (default "200000 1 100000"); E2E_JVM_ARGS reach the services' JVMs;
# E2E_STEP_S, E2E_LAG_S, E2E_STEP_FACTOR, E2E_BATCH, E2E_FLUSH_MS, E2E_POLL_MS tune the method;
# BENCH_MAX_LOAD (2) / BENCH_LOAD_WAIT_S (600): each measured part first waits for a quieter machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
STACK_JAR="$(ls "$ROOT"/deploy/stack/target/touchpoint-stack-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)"
for s in ingest journey metrics; do
  if [[ ! -f "$ROOT/$s-service/target/quarkus-app/quarkus-run.jar" ]]; then STACK_JAR=""; fi
done
if [[ -z "$STACK_JAR" || ! -d "$ROOT/deploy/stack/target/lib" ]]; then
  echo "build first: ./mvnw verify (or ./mvnw -DskipTests -pl deploy/stack,ingest-service,journey-service,metrics-service -am package)" >&2
  exit 1
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.root="$ROOT" -cp "$STACK_JAR:$ROOT/deploy/stack/target/lib/*" \
  "$ROOT/deploy/bench/e2e/E2eBench.java" "${1:-3}" "${2:-200}"
