#!/usr/bin/env bash
# The real-data check: the local stack and the three services (deploy/touchpoint up), a real Prometheus
# (Debian's `prometheus` package) scraping them every 2 s with our alert rules, a generated omnichannel
# population posted to ingest-service, then EVERY PromQL expression of every Grafana panel and alert
# rule evaluated through Prometheus's HTTP API. Fails listing any expression that errors or has no data.
#
#   deploy/prometheus/check-with-real-data.sh            (CUSTOMERS=120 PROM_PORT=<free> optional)
#
# Needs: java 17, curl, python3, prometheus + promtool (apt-get install -y prometheus).
# Stops what it started: Prometheus always, the services and stack if they were not already up.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CUSTOMERS=${CUSTOMERS:-120}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || true)}
[[ -x "$PROMETHEUS" ]] || { echo "prometheus not found: apt-get install -y prometheus (or set PROMETHEUS=/path)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PROM_PORT=${PROM_PORT:-$(free_port)}
WORK=$(mktemp -d -t touchpoint-prom-XXXXXX)
PROM_PID=""
STARTED_TOUCHPOINT=0

cleanup() {
  local rc=$?
  if [[ -n "$PROM_PID" ]]; then kill "$PROM_PID" 2>/dev/null || true; wait "$PROM_PID" 2>/dev/null || true; fi
  if [[ $STARTED_TOUCHPOINT == 1 ]]; then "$ROOT/deploy/touchpoint" down || rc=1; fi
  if [[ $rc != 0 && -d "$WORK/touchpoint/logs" ]]; then
    mkdir -p "$ROOT/.touchpoint" && rm -rf "$ROOT/.touchpoint/check-logs" && cp -r "$WORK/touchpoint/logs" "$ROOT/.touchpoint/check-logs"
    echo "service logs kept in $ROOT/.touchpoint/check-logs" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

echo "== promtool"
promtool check config "$HERE/prometheus.yml"
promtool check rules "$HERE/rules/touchpoint-alerts.yml"

echo "== Touchpoint"
if "$ROOT/deploy/touchpoint" status >/dev/null 2>&1; then
  echo "already up: using it and leaving it up"
else
  STARTED_TOUCHPOINT=1
  # its own data and logs: a fresh Kafka, PostgreSQL and Redis, nothing left from earlier runs
  export TOUCHPOINT_HOME=$WORK/touchpoint
  "$ROOT/deploy/touchpoint" up
fi

echo "== Prometheus on 127.0.0.1:$PROM_PORT (data in $WORK)"
# Same targets and rules; scraped and evaluated every 2 s so the check takes seconds, not minutes.
sed -e 's/scrape_interval: 15s/scrape_interval: 2s/' -e 's/evaluation_interval: 15s/evaluation_interval: 2s/' \
    -e "s#- rules/#- $HERE/rules/#" "$HERE/prometheus.yml" >"$WORK/prometheus.yml"
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PROM=http://127.0.0.1:$PROM_PORT
for _ in $(seq 1 60); do curl -fsS "$PROM/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$PROM/-/ready" >/dev/null || { cat "$WORK/prometheus.log" >&2; exit 1; }

echo "== population"
python3 "$HERE/post-population.py" --ingest http://127.0.0.1:8081 --customers "$CUSTOMERS"

# Until every target is up and the pipeline has settled: journey stored, metrics counted.
echo "== waiting for scrapes"
up_count() {
  curl -fsS "$PROM/api/v1/query" --data-urlencode 'query=count(up == 1)' \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
for _ in $(seq 1 60); do [[ "$(up_count)" == 3 ]] && break; sleep 1; done
[[ "$(up_count)" == 3 ]] || { echo "not every target is up:"; curl -s "$PROM/api/v1/targets"; exit 1; }
sleep "${SETTLE_SECONDS:-25}"

echo "== evaluating every panel and alert expression"
python3 "$HERE/evaluate-queries.py" "$PROM" "$ROOT"/deploy/grafana/dashboards/*.json
