#!/usr/bin/env bash
# Ingest throughput next to Kafka's own ProducerPerformance, on the same machine, in the same run.
#
#   deploy/bench/ingest/run.sh [runs] [seconds]        (defaults: 3 runs of 20 s per load)
#
# First a warm-up that is not measured (WARMUP_SECONDS, default 60: two thirds batch, one third
# track): a fresh JVM's JIT needs it, and without it the first run measures the compiler.
#
# Against a running Kafka and ingest-service (see README.md here for how the figures in
# ingest-service/README.md were taken). Each run does, one after the other:
#   1. ProducerPerformance: 400-byte records, acks=all, idempotence on, linger.ms=5,
#      batch.size=64 KiB (ingest's producer settings), topic bench.producer.v1 (6 partitions,
#      like touchpoints.v1), as fast as it can;
#   2. POST /v1/batch: 100 track events of ~400 B per request, 64 connections (hey);
#   3. POST /v1/track: one ~400 B event per request, 64 connections (hey).
# and prints events/s, the ratio to ProducerPerformance and p50/p99 latency; then the medians, and
# the load average before and after (other work on the machine skews every figure).
#
# Environment: INGEST_URL (http://127.0.0.1:8081), KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:19092),
# WRITE_KEY (dev-write-key), PRODUCER_RECORDS (2000000: ProducerPerformance runs
# about as long as each HTTP load, so both see the same machine load). Needs `hey` (Debian package hey) and a JDK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
RUNS=${1:-3}
SECONDS_PER_LOAD=${2:-20}
INGEST_URL=${INGEST_URL:-http://127.0.0.1:8081}
KAFKA=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:19092}
WRITE_KEY=${WRITE_KEY:-dev-write-key}
PRODUCER_RECORDS=${PRODUCER_RECORDS:-2000000}
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
CONNECTIONS=64
AUTH="Basic $(printf '%s:' "$WRITE_KEY" | base64 -w0)"
OUT=$HERE/target/results
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

command -v hey >/dev/null || { echo "needs hey (apt-get install hey)" >&2; exit 1; }
if [[ ! -d "$HERE/target/lib" ]]; then
  (cd "$ROOT" && ./mvnw -q -f deploy/bench/ingest/pom.xml package) || { echo "could not fetch kafka-tools" >&2; exit 1; }
fi
CP="$HERE/target/lib/*"
mkdir -p "$OUT"
curl -fsS -o /dev/null "$INGEST_URL/q/health/ready" || { echo "ingest is not ready at $INGEST_URL" >&2; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# Bodies: events without messageId, so every request publishes new records (ingest generates the
# ids; the Redis dedup claim runs for them all the same).
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def event(i, with_type):
    e = {"anonymousId": "bench-anon-%05d" % i, "event": "Product Viewed",
         "properties": {"product_id": "p-%05d" % i, "price": 49.9, "currency": "EUR", "category": "headphones",
                        "name": "Wireless Headphones"},
         "context": {"page": {"url": "https://shop.example.com/p/%05d" % i},
                     "userAgent": "Mozilla/5.0 (X11; Linux x86_64) touchpoint-bench"},
         "timestamp": "2026-11-23T10:00:00.000Z"}
    if with_type:
        e = {"type": "track", **e}
    e["properties"]["pad"] = ""
    size = len(json.dumps(e, separators=(",", ":")))
    e["properties"]["pad"] = "x" * max(0, 400 - size)
    return e
batch = {"batch": [event(i, True) for i in range(100)], "sentAt": "2026-11-23T10:00:00.100Z"}
open(out + "/batch.json", "w").write(json.dumps(batch, separators=(",", ":")))
open(out + "/track.json", "w").write(json.dumps(event(0, False), separators=(",", ":")))
print("event size: %d B (batch item), request: %d B (batch), %d B (track)" % (
    len(json.dumps(batch["batch"][0], separators=(",", ":"))), len(json.dumps(batch, separators=(",", ":"))),
    len(json.dumps(event(0, False), separators=(",", ":")))))
PY

"$JAVA" -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" --create --if-not-exists \
  --topic bench.producer.v1 --partitions 6 --replication-factor 1 >/dev/null

# "N requests ... Requests/sec: R" and "50% in X secs" → events/s, p50 ms, p99 ms, non-200 count
hey_figures() { # file events-per-request
  local f=$1 per=$2
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec:/ {print $2}' "$f")
  p50=$(awk '/ 50% in/ {print $3 * 1000}' "$f")
  p99=$(awk '/ 99% in/ {print $3 * 1000}' "$f")
  bad=$(awk '/^\s*\[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); if ($1 != 200) n += $2 } END { print n + 0 }' "$f")
  echo "$(awk -v r="$rps" -v p="$per" 'BEGIN { printf "%.0f", r * p }') $p50 $p99 $bad"
}

if ((WARMUP_SECONDS > 0)); then
  echo "== warm-up ${WARMUP_SECONDS} s (not measured)"
  hey -z "$((WARMUP_SECONDS * 2 / 3))s" -c $CONNECTIONS -m POST -T application/json -H "Authorization: $AUTH" \
    -D "$OUT/batch.json" "$INGEST_URL/v1/batch" >/dev/null
  hey -z "$((WARMUP_SECONDS / 3))s" -c $CONNECTIONS -m POST -T application/json -H "Authorization: $AUTH" \
    -D "$OUT/track.json" "$INGEST_URL/v1/track" >/dev/null
fi

printf 'run producer_events_s producer_p50_ms producer_p99_ms batch_events_s batch_p50_ms batch_p99_ms batch_non200 track_events_s track_p50_ms track_p99_ms track_non200\n' >"$OUT/runs.txt"
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS"
  "$JAVA" -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic bench.producer.v1 \
    --num-records "$PRODUCER_RECORDS" --record-size 400 --throughput -1 \
    --producer-props bootstrap.servers="$KAFKA" acks=all enable.idempotence=true linger.ms=5 batch.size=65536 \
    >"$OUT/producer-$run.txt" 2>&1
  # last line: "N records sent, R records/sec (…), A ms avg latency, M ms max latency, p50 ms 50th, …, p99 ms 99th, …"
  read -r prod prod50 prod99 < <(tail -1 "$OUT/producer-$run.txt" | tr ',' '\n' | awk '
    /records\/sec/ { r = $1 } / ms 50th/ { p50 = $1 } / ms 99th/ { p99 = $1 } END { printf "%.0f %s %s\n", r, p50, p99 }')
  echo "   ProducerPerformance: $prod records/s, p50 $prod50 ms, p99 $prod99 ms"

  hey -z "${SECONDS_PER_LOAD}s" -c $CONNECTIONS -m POST -T application/json -H "Authorization: $AUTH" \
    -D "$OUT/batch.json" "$INGEST_URL/v1/batch" >"$OUT/batch-$run.txt"
  read -r batch b50 b99 bbad < <(hey_figures "$OUT/batch-$run.txt" 100)
  echo "   /v1/batch (100 events): $batch events/s, p50 $b50 ms, p99 $b99 ms, non-200: $bbad"

  hey -z "${SECONDS_PER_LOAD}s" -c $CONNECTIONS -m POST -T application/json -H "Authorization: $AUTH" \
    -D "$OUT/track.json" "$INGEST_URL/v1/track" >"$OUT/track-$run.txt"
  read -r track t50 t99 tbad < <(hey_figures "$OUT/track-$run.txt" 1)
  echo "   /v1/track (1 event):    $track events/s, p50 $t50 ms, p99 $t99 ms, non-200: $tbad"
  echo "$run $prod $prod50 $prod99 $batch $b50 $b99 $bbad $track $t50 $t99 $tbad" >>"$OUT/runs.txt"
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]).read().splitlines()]
head, data = rows[0], rows[1:]
col = lambda name: [float(r[head.index(name)]) for r in data]
med = lambda name: statistics.median(col(name))
# the ratio is taken within each run (same machine load for both), then the median of those ratios
ratio = lambda name: statistics.median(e / p for e, p in zip(col(name), col("producer_events_s")))
print("\nmedians of %d runs (ratio: median of the per-run ratios):" % len(data))
print("| load | events/s | ratio to ProducerPerformance | p50 ms | p99 ms | non-200 answers |")
print("|---|---|---|---|---|---|")
print("| Kafka ProducerPerformance (400 B, acks=all) | %.0f | 1.00 | %.0f | %.0f | — |" % (med("producer_events_s"), med("producer_p50_ms"), med("producer_p99_ms")))
print("| POST /v1/batch, 100 × ~400 B, 64 connections | %.0f | %.2f | %.0f | %.0f | %d |" % (med("batch_events_s"), ratio("batch_events_s"), med("batch_p50_ms"), med("batch_p99_ms"), sum(col("batch_non200"))))
print("| POST /v1/track, 1 × ~400 B, 64 connections | %.0f | %.2f | %.0f | %.0f | %d |" % (med("track_events_s"), ratio("track_events_s"), med("track_p50_ms"), med("track_p99_ms"), sum(col("track_non200"))))
print("per run: " + "; ".join("batch %.2f×, track %.2f×" % (float(r[4]) / float(r[1]), float(r[8]) / float(r[1])) for r in data))
PY
