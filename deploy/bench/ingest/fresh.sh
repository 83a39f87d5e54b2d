#!/usr/bin/env bash
# run.sh against a fresh stack: a new ephemeral Kafka + Redis (deploy/stack LocalStack, no
# PostgreSQL) and the packaged ingest-service alone (dev profile, no journey/metrics consumers), on
# ports of their own so as not to meet a running `deploy/touchpoint up`; all stopped afterwards.
#
#   deploy/bench/ingest/fresh.sh [runs=3] [seconds-per-load=20]
#
# Needs `./mvnw -pl deploy/stack,ingest-service -am package -DskipTests` (target/quarkus-app) and deploy/stack built
# (deploy/stack/target). Environment: BENCH_KAFKA_PORT (29092; the controller is the next port),
# BENCH_REDIS_PORT (26379), BENCH_INGEST_PORT (28081), INGEST_JAVA_OPTS (-Xmx512m), INGEST_APP
# (the quarkus-run.jar to start, default ingest-service's: to compare two builds), and what run.sh
# takes; PRODUCER_BATCH_SIZE and PRODUCER_COMPRESSION are given to both ingest and
# ProducerPerformance. A fresh stack because
# Redis's dedup state grows with every run (see README.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
KAFKA_PORT=${BENCH_KAFKA_PORT:-29092}
REDIS_PORT=${BENCH_REDIS_PORT:-26379}
INGEST_PORT=${BENCH_INGEST_PORT:-28081}
WORK=$HERE/target/fresh
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
APP=${INGEST_APP:-$ROOT/ingest-service/target/quarkus-app/quarkus-run.jar}
[[ -f $APP ]] || { echo "package ingest first: ./mvnw -pl deploy/stack,ingest-service -am package -DskipTests" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"

pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT

"$JAVA" -Xmx256m -cp "$(ls "$ROOT"/deploy/stack/target/touchpoint-stack-*.jar | head -1):$ROOT/deploy/stack/target/lib/*" \
  io.touchpoint.stack.LocalStack --ephemeral --data-dir "$WORK/stack" --kafka-port "$KAFKA_PORT" \
  --kafka-controller-port "$((KAFKA_PORT + 1))" --postgres-port 0 --redis-port "$REDIS_PORT" \
  </dev/null >"$WORK/stack.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -qs "TOUCHPOINT-STACK READY" "$WORK/stack.log" && break; sleep 0.5; done
grep -q 'TOUCHPOINT-STACK READY' "$WORK/stack.log" || { tail -20 "$WORK/stack.log" >&2; exit 1; }

QUARKUS_PROFILE=dev QUARKUS_HTTP_PORT=$INGEST_PORT KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT \
  TOUCHPOINT_REDIS_URL=redis://127.0.0.1:$REDIS_PORT \
  "$JAVA" ${INGEST_JAVA_OPTS:--Xmx512m} ${PRODUCER_BATCH_SIZE:+-Dtouchpoint.producer.batch.size=$PRODUCER_BATCH_SIZE} ${PRODUCER_COMPRESSION:+-Dtouchpoint.producer.compression.type=$PRODUCER_COMPRESSION} -jar "$APP" </dev/null >"$WORK/ingest.log" 2>&1 &
pids+=($!)
echo "stack pid ${pids[0]}, ingest pid ${pids[1]} (logs in $WORK)"
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$INGEST_PORT/q/health/ready" 2>/dev/null && break; sleep 0.5; done

INGEST_URL=http://127.0.0.1:$INGEST_PORT KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT \
  INGEST_PID=${pids[1]} REDIS_PORT=$REDIS_PORT "$HERE/run.sh" "$@"
