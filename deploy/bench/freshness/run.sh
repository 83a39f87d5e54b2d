#!/usr/bin/env bash
# Freshness: event posted to ingest -> visible in GET /funnels/lifecycle (metrics), under a steady load.
#
#   deploy/bench/freshness/run.sh [runs=3] [probes=200] [load-events-per-second=100]
#
# Against a running pipeline (deploy/touchpoint up: ingest on 8081, metrics on 8083, dev credentials).
# Environment: INGEST_URL (http://127.0.0.1:8081), METRICS_URL (http://127.0.0.1:8083), WRITE_KEY,
# API_TOKEN, POLL_MS (10). Needs only a JDK (single-file source program). See README.md here.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUNS=${1:-3}
PROBES=${2:-200}
LOAD=${3:-100}
INGEST_URL=${INGEST_URL:-http://127.0.0.1:8081}
METRICS_URL=${METRICS_URL:-http://127.0.0.1:8083}
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
OUT=$HERE/target/results
mkdir -p "$OUT"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS"); do
  "$JAVA" "$HERE/Freshness.java" "$INGEST_URL" "$METRICS_URL" "$PROBES" "$LOAD" | tee "$OUT/run-$i.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT" "$RUNS" <<'PY'
import re, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
rows = []
for i in range(1, runs + 1):
    m = re.search(r"p50 (\d+)  p90 (\d+)  p99 (\d+)  max (\d+)", open(f"{out}/run-{i}.txt").read())
    rows.append([int(x) for x in m.groups()])
print("medians over %d runs (ms): p50 %d  p90 %d  p99 %d  max %d" % (runs, *[statistics.median(c) for c in zip(*rows)]))
PY
