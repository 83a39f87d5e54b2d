#!/usr/bin/env bash
# Stitching throughput of journey-service (events/s committed), median of several runs.
#   deploy/bench/journey/run.sh [events=20000] [runs=3] [warm-up events=0: measured after them]
# JOURNEY_JAR=path/quarkus-run.jar measures another build (A/B against an earlier commit).
# Builds the packaged journey-service if needed, then per run: a fresh embedded Kafka + PostgreSQL,
# the backlog produced first, the service started on it; throughput from touchpoint.stored_at.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
EVENTS="${1:-20000}"
RUNS="${2:-3}"
cd "$ROOT"
JAR="${JOURNEY_JAR:-$ROOT/journey-service/target/quarkus-app/quarkus-run.jar}"
if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
  ./mvnw -B -ntp -q -DskipTests -pl journey-service package
fi
CP_FILE="$ROOT/journey-service/target/bench.classpath"
./mvnw -B -ntp -q -pl journey-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
exec java -Djourney.jar="$JAR" -cp "$(cat "$CP_FILE")" "$ROOT/deploy/bench/journey/JourneyBench.java" "$EVENTS" "$RUNS" "${3:-0}"
