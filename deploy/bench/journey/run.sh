#!/usr/bin/env bash
# Stitching throughput of journey-service (events/s committed), median of several runs.
#   deploy/bench/journey/run.sh [events=20000] [runs=3] [warm-up events=0: measured after them] [instances=1, e.g. 1,2]
# JOURNEY_JAR=path/quarkus-run.jar measures another build (A/B against an earlier commit).
# Builds the packaged journey-service if needed, then per run: a fresh embedded Kafka + PostgreSQL,
# the backlog produced first, the service started on it; throughput from touchpoint.stored_at.
# Runs from a fresh clone right after `./mvnw verify`: nothing needs installing into ~/.m2.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
EVENTS="${1:-20000}"
RUNS="${2:-3}"
cd "$ROOT"
MVN=(./mvnw -B -ntp -q)
JAR="${JOURNEY_JAR:-$ROOT/journey-service/target/quarkus-app/quarkus-run.jar}"
if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
  # -am: the parent and deploy/stack come from the reactor, not from ~/.m2
  "${MVN[@]}" -DskipTests -pl journey-service -am package || { echo "run.sh: packaging journey-service failed (above)" >&2; exit 1; }
fi
# The bench's classpath (Kafka clients, Jackson, the JDBC driver, deploy/stack's StackProcess) is
# journey-service's test classpath. deploy/stack and deploy/conventions are taken from the reactor (their target/classes and
# test-classes, hence the test-compile phase), so nothing need be installed. Rebuilt when a pom changed.
CP_FILE="$ROOT/journey-service/target/bench.classpath"
if [[ ! -s "$CP_FILE" || -n "${REBUILD:-}" || pom.xml -nt "$CP_FILE" || journey-service/pom.xml -nt "$CP_FILE" \
      || deploy/stack/pom.xml -nt "$CP_FILE" || deploy/conventions/pom.xml -nt "$CP_FILE" || ! -d deploy/stack/target/classes ]]; then
  rm -f "$CP_FILE"
  if ! "${MVN[@]}" -pl deploy/stack,deploy/conventions,journey-service test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/bench.classpath; then
    echo "run.sh: could not build the bench's classpath (Maven's error above)" >&2
    exit 1
  fi
fi
[[ -s "$CP_FILE" ]] || { echo "run.sh: $CP_FILE was not written" >&2; exit 1; }
exec java -Djourney.jar="$JAR" -cp "$(cat "$CP_FILE")" "$ROOT/deploy/bench/journey/JourneyBench.java" "$EVENTS" "$RUNS" "${3:-0}" "${4:-1}"
