#!/usr/bin/env bash
# Ingest throughput next to Kafka's own ProducerPerformance, on the same machine, in the same run.
#
#   deploy/bench/ingest/run.sh [runs] [seconds]        (defaults: 3 runs of 20 s per load)
#   deploy/bench/ingest/fresh.sh [runs] [seconds]      (the same against a fresh stack and ingest)
#
# First a warm-up that is not measured (WARMUP_SECONDS, default 60: two thirds batch, one third
# track): a fresh JVM's JIT needs it, and without it the first run measures the compiler.
#
# Against a running Kafka and ingest-service (see README.md here for how the figures in
# ingest-service/README.md were taken). Each run does, one after the other:
#   1. ProducerPerformance: 400-byte records, acks=all, idempotence on, linger.ms=5,
#      batch.size=64 KiB, compression.type=lz4 (ingest's producer settings), topic
#      bench.producer.v1 (6 partitions, like touchpoints.v1), as fast as it can;
#   2. POST /v1/batch: 100 track events of ~400 B per request, each with its own messageId as SDKs
#      send them, 64 connections (wrk + segment.lua);
#   3. POST /v1/track: one ~400 B event with its own messageId per request, 64 connections.
# and prints events/s, the ratio to ProducerPerformance and p50/p99 latency; then the medians, and
# the load average before and after (other work on the machine skews every figure). With the
# listening processes visible (ss -p), also the CPU time per event of ingest, Redis, the broker
# and wrk during the batch load.
#
# Environment: INGEST_URL (http://127.0.0.1:8081), KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:19092),
# WRITE_KEY (dev-write-key), PRODUCER_RECORDS (2000000: ProducerPerformance runs
# about as long as each HTTP load, so both see the same machine load), WRK_THREADS (2),
# REDIS_PORT (16379, for the CPU figures), PRODUCER_PAYLOAD (random: ProducerPerformance's own
# 400-byte records of random letters, which lz4 hardly shrinks; touchpoints: 1,000 of the canonical
# records ingest published during the warm-up, so that both sides send the same bytes),
# PRODUCER_COMPRESSION (lz4, ingest's setting). Needs `wrk` (Debian package wrk) and a JDK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
RUNS=${1:-3}
SECONDS_PER_LOAD=${2:-20}
INGEST_URL=${INGEST_URL:-http://127.0.0.1:8081}
KAFKA=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:19092}
WRITE_KEY=${WRITE_KEY:-dev-write-key}
PRODUCER_RECORDS=${PRODUCER_RECORDS:-2000000}
# ingest's batch.size (touchpoint.producer.batch.size); set both sides together (fresh.sh does)
PRODUCER_BATCH_SIZE=${PRODUCER_BATCH_SIZE:-65536}
# ingest's compression.type (touchpoint.producer.compression.type, lz4); likewise set on both sides
PRODUCER_COMPRESSION=${PRODUCER_COMPRESSION:-lz4}
PRODUCER_PAYLOAD=${PRODUCER_PAYLOAD:-random}
[[ $PRODUCER_PAYLOAD == random || $PRODUCER_PAYLOAD == touchpoints ]] || { echo "PRODUCER_PAYLOAD: random or touchpoints" >&2; exit 1; }
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
CONNECTIONS=64
WRK_THREADS=${WRK_THREADS:-2}
REDIS_PORT=${REDIS_PORT:-16379}
AUTH="Basic $(printf '%s:' "$WRITE_KEY" | base64 -w0)"
OUT=$HERE/target/results
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
if [[ ! -d "$HERE/target/lib" ]]; then
  (cd "$ROOT" && ./mvnw -q -f deploy/bench/ingest/pom.xml package) || { echo "could not fetch kafka-tools" >&2; exit 1; }
fi
CP="$HERE/target/lib/*"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.time # no figures of an earlier bench left among this one's
curl -fsS -o /dev/null "$INGEST_URL/q/health/ready" || { echo "ingest is not ready at $INGEST_URL" >&2; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# Bodies: built per request by segment.lua (~400 B per event, every event with a messageId of its
# own, unique across runs: every request publishes new records and ingest claims each id in Redis).
RUN_PREFIX=$(printf '%x' "$(date +%s)")

"$JAVA" -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" --create --if-not-exists \
  --topic bench.producer.v1 --partitions 6 --replication-factor 1 >/dev/null

# wrk against an endpoint with segment.lua: load file events-per-request seconds run-id
load() {
  local file=$1 per=$2 secs=$3 id=$4 path
  if ((per == 1)); then path=/v1/track; else path=/v1/batch; fi
  EVENTS=$per AUTH=$AUTH RUN_ID=$RUN_PREFIX$id /usr/bin/time -f 'WRK_CPU %U %S' -o "$file.time" \
    wrk -t"$WRK_THREADS" -c$CONNECTIONS -d"${secs}s" --timeout 30s -s "$HERE/segment.lua" "$INGEST_URL$path" >"$file"
  cat "$file.time" >>"$file"
}

# segment.lua's BENCH line → events/s, p50 ms, p99 ms, non-200 count (answers other than 2xx and
# socket errors alike: the bench needs every answer to be a 200)
figures() { # file
  awk '/^BENCH / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%.0f %.1f %.1f %d\n", v["requests"] * v["events_per_request"] / (v["duration_us"] / 1e6),
      v["p50_us"] / 1000, v["p99_us"] / 1000, v["non2xx"] + v["connect_errors"] + v["read_errors"] + v["write_errors"] + v["timeouts"] }' "$1"
}

# CPU time (user + system, clock ticks) of the process listening on a port; 0 when not visible
listener_pid() { ss -Htlnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
ticks() { [[ -n $1 && -r /proc/$1/stat ]] && awk '{ print $14 + $15 }' "/proc/$1/stat" || echo 0; }
# the part of a JVM's CPU time spent by its JIT compiler threads (C1/C2), same unit; 0 when not visible
jit_ticks() {
  local t s sum=0
  [[ -n $1 && -d /proc/$1/task ]] || { echo 0; return; }
  for t in /proc/"$1"/task/*; do
    grep -qs '^C[12] CompilerThre' "$t/comm" || continue
    s=$(cat "$t/stat" 2>/dev/null) || continue
    s=${s##*) }; set -- $s; sum=$((sum + ${12} + ${13}))
  done
  echo $sum
}
INGEST_PORT=$(echo "$INGEST_URL" | sed -n 's#.*:\([0-9]*\)/*$#\1#p')
KAFKA_PORT=${KAFKA##*:}
PID_INGEST=${INGEST_PID:-$(listener_pid "$INGEST_PORT")}
PID_REDIS=$(listener_pid "$REDIS_PORT")
PID_KAFKA=$(listener_pid "$KAFKA_PORT")
echo "processes: ingest ${PID_INGEST:-?}, redis ${PID_REDIS:-?}, kafka ${PID_KAFKA:-?}"
HZ=$(getconf CLK_TCK)

if ((WARMUP_SECONDS > 0)); then
  echo "== warm-up ${WARMUP_SECONDS} s (not measured)"
  load "$OUT/warmup-batch.txt" 100 "$((WARMUP_SECONDS * 2 / 3))" w1
  load "$OUT/warmup-track.txt" 1 "$((WARMUP_SECONDS / 3))" w2
fi

PAYLOAD_ARGS=(--record-size 400)
PAYLOAD_LABEL="400 B"
if [[ $PRODUCER_PAYLOAD == touchpoints ]]; then
  # ingest's own records, one JSON object per line (canonical records hold no raw newline)
  "$JAVA" -cp "$CP" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA" \
    --topic touchpoints.v1 --from-beginning --max-messages 1000 --timeout-ms 30000 >"$OUT/payloads.txt" 2>/dev/null || true
  (($(wc -l <"$OUT/payloads.txt") == 1000)) || { echo "could not read 1000 records of touchpoints.v1" >&2; exit 1; }
  PAYLOAD_ARGS=(--payload-file "$OUT/payloads.txt")
  PAYLOAD_LABEL="ingest's records, $(awk '{ n += length($0) } END { printf "%.0f", n / NR }' "$OUT/payloads.txt") B"
  echo "ProducerPerformance sends ingest's own records: $PAYLOAD_LABEL on average"
fi

printf 'run producer_events_s producer_p50_ms producer_p99_ms batch_events_s batch_p50_ms batch_p99_ms batch_non200 track_events_s track_p50_ms track_p99_ms track_non200\n' >"$OUT/runs.txt"
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS"
  kafka_before=$(ticks "$PID_KAFKA")
  /usr/bin/time -f 'PRODUCER_CPU %U %S' -o "$OUT/producer-$run.time" \
    "$JAVA" -Xmx512m -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic bench.producer.v1 \
    --num-records "$PRODUCER_RECORDS" "${PAYLOAD_ARGS[@]}" --throughput -1 \
    --producer-props bootstrap.servers="$KAFKA" acks=all enable.idempotence=true linger.ms=5 batch.size="$PRODUCER_BATCH_SIZE" compression.type="$PRODUCER_COMPRESSION" \
    >"$OUT/producer-$run.txt" 2>&1
  kafka_after=$(ticks "$PID_KAFKA")
  # last line: "N records sent, R records/sec (…), A ms avg latency, M ms max latency, p50 ms 50th, …, p99 ms 99th, …"
  read -r prod prod50 prod99 < <(tail -1 "$OUT/producer-$run.txt" | tr ',' '\n' | awk '
    /records\/sec/ { r = $1 } / ms 50th/ { p50 = $1 } / ms 99th/ { p99 = $1 } END { printf "%.0f %s %s\n", r, p50, p99 }')
  echo "   ProducerPerformance: $prod records/s, p50 $prod50 ms, p99 $prod99 ms"
  awk -v hz="$HZ" -v k=$((kafka_after - kafka_before)) -v n="$PRODUCER_RECORDS" '/^PRODUCER_CPU/ {
    p = ($2 + $3) * 1e6 / n; b = k * 1e6 / hz / n
    printf "   CPU per record (µs): producer JVM %.1f (start-up included), kafka %.1f, total %.1f\n", p, b, p + b }' \
    "$OUT/producer-$run.time" | tee "$OUT/producer-cpu-$run.txt"

  before=($(ticks "$PID_INGEST") $(ticks "$PID_REDIS") $(ticks "$PID_KAFKA") $(jit_ticks "$PID_INGEST"))
  load "$OUT/batch-$run.txt" 100 "$SECONDS_PER_LOAD" "b$run"
  after=($(ticks "$PID_INGEST") $(ticks "$PID_REDIS") $(ticks "$PID_KAFKA") $(jit_ticks "$PID_INGEST"))
  read -r batch b50 b99 bbad < <(figures "$OUT/batch-$run.txt")
  echo "   /v1/batch (100 events): $batch events/s, p50 $b50 ms, p99 $b99 ms, non-200: $bbad"
  # CPU per event during the batch load (µs): ingest (of which its JIT compiler threads), Redis, broker, wrk
  jit=$((after[3] - before[3])); ((jit >= 0)) || jit=0 # a compiler thread that ended took its ticks along
  awk -v hz="$HZ" -v i=$((after[0] - before[0])) -v r=$((after[1] - before[1])) -v k=$((after[2] - before[2])) \
    -v j="$jit" -v s="$SECONDS_PER_LOAD" -v e="$batch" '/^WRK_CPU/ { w = ($2 + $3) * hz }
    END { n = e * s; f = 1e6 / hz / n
      printf "   CPU per event (µs): ingest %.1f (JIT %.1f), redis %.1f, kafka %.1f, wrk %.1f, total %.1f\n",
      i * f, j * f, r * f, k * f, w * f, (i + r + k + w) * f }' "$OUT/batch-$run.txt" | tee "$OUT/cpu-$run.txt"

  load "$OUT/track-$run.txt" 1 "$SECONDS_PER_LOAD" "t$run"
  read -r track t50 t99 tbad < <(figures "$OUT/track-$run.txt")
  echo "   /v1/track (1 event):    $track events/s, p50 $t50 ms, p99 $t99 ms, non-200: $tbad"
  echo "$run $prod $prod50 $prod99 $batch $b50 $b99 $bbad $track $t50 $t99 $tbad" >>"$OUT/runs.txt"
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# every event was new: ingest accepted about as many as wrk counted (wrk leaves out the requests in
# flight when it stops) and found no duplicate
curl -fsS "$INGEST_URL/q/metrics" >"$OUT/metrics.txt" || true
awk '/^touchpoint_ingest_events_total\{/ && /outcome="accepted"/ { a += $NF }
  /^touchpoint_ingest_duplicates_total\{/ { d += $NF }
  END { printf "ingest counted %.0f events accepted, %.0f duplicates; ", a, d }' "$OUT/metrics.txt"
cat "$OUT"/warmup-*.txt "$OUT"/batch-*.txt "$OUT"/track-*.txt | awk '/^BENCH / {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } n += v["requests"] * v["events_per_request"] }
  END { printf "wrk counted %.0f events answered\n", n }'
python3 - "$OUT/runs.txt" "$PAYLOAD_LABEL" "$PRODUCER_COMPRESSION" <<'PY'
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
print("| Kafka ProducerPerformance (%s, acks=all, %s) | %.0f | 1.00 | %.0f | %.0f | — |" % (sys.argv[2], sys.argv[3], med("producer_events_s"), med("producer_p50_ms"), med("producer_p99_ms")))
print("| POST /v1/batch, 100 × ~400 B, 64 connections | %.0f | %.2f | %.1f | %.1f | %d |" % (med("batch_events_s"), ratio("batch_events_s"), med("batch_p50_ms"), med("batch_p99_ms"), sum(col("batch_non200"))))
print("| POST /v1/track, 1 × ~400 B, 64 connections | %.0f | %.3f | %.1f | %.1f | %d |" % (med("track_events_s"), ratio("track_events_s"), med("track_p50_ms"), med("track_p99_ms"), sum(col("track_non200"))))
print("per run: " + "; ".join("batch %.2f×, track %.3f×" % (float(r[4]) / float(r[1]), float(r[8]) / float(r[1])) for r in data))
PY
