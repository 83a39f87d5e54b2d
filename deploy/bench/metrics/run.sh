#!/usr/bin/env bash
# Counting throughput of metrics-service (records/s), beside journey-service's stitching rate in the same run.
#   deploy/bench/metrics/run.sh [customers=10000] [runs=3] [warm-up records=0: measured after them]
# Needs only what `./mvnw verify` (or `./mvnw -pl deploy/stack,metrics-service -am -DskipTests package`) built: the packaged
# metrics-service and deploy/stack's jar and lib/. Per run: a fresh embedded Kafka + Redis, the backlog
# produced first, the service started on it; then deploy/bench/journey/run.sh $JOURNEY_ARGS (one run).
# METRICS_JAR=path/quarkus-run.jar measures another build; JOURNEY_ARGS (default "200000 1 100000");
# JOURNEY=0 skips the reference; METRICS_JVM_ARGS reach the service's JVM.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
JAR="${METRICS_JAR:-$ROOT/metrics-service/target/quarkus-app/quarkus-run.jar}"
STACK_JAR="$(ls "$ROOT"/deploy/stack/target/touchpoint-stack-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)"
if [[ ! -f "$JAR" || -z "$STACK_JAR" || ! -d "$ROOT/deploy/stack/target/lib" ]]; then
  echo "build first: ./mvnw verify (or ./mvnw -pl deploy/stack,metrics-service -am -DskipTests package)" >&2
  exit 1
fi
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmetrics.jar="$JAR" -Dbench.root="$ROOT" -cp "$STACK_JAR:$ROOT/deploy/stack/target/lib/*" \
  "$ROOT/deploy/bench/metrics/MetricsBench.java" "${1:-10000}" "${2:-3}" "${3:-0}"
