#!/usr/bin/env bash
# Ready means ready: the first request after `deploy/touchpoint up` on a brand-new stack must be answered
# 200. Each try: a fresh data folder (new Kafka, PostgreSQL, Redis), `deploy/touchpoint up`, at once one
# POST /v1/batch (three events with their own messageIds, as SDKs send them), its status and whether its
# messageIds were checked against the dedup window, `deploy/touchpoint down`. Prints one row per try and
# the tally; exits 1 if any first request was not 200.
#
#   deploy/bench/e2e/first-request.sh [tries=10]
#
# `deploy/touchpoint up` uses fixed ports (8081-8083, the stack's 19092/15432/16379): every try holds
# flock on $TOUCHPOINT_UP_LOCK (/tmp/touchpoint-up.lock) so that other users of `up` on this machine wait.
# Needs: java 17, curl, flock (util-linux).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
TRIES=${1:-10}
LOCK=${TOUCHPOINT_UP_LOCK:-/tmp/touchpoint-up.lock}
TOUCHPOINT=$ROOT/deploy/touchpoint
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
command -v flock >/dev/null || { echo "flock is needed (util-linux)" >&2; exit 2; }

WORK=$(mktemp -d -t touchpoint-first-request-XXXXXX)
KEEP=$ROOT/.touchpoint/first-request
cleanup() {
  # a try interrupted half-way leaves nothing running
  if [[ -n "${TOUCHPOINT_HOME:-}" && -d "$TOUCHPOINT_HOME/run" ]]; then "$TOUCHPOINT" down >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# one event of each kind a first visitor sends; their own messageIds, so a retry would be a duplicate
body() {
  local run=$1 now; now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  cat <<EOF
{"batch":[
 {"type":"page","messageId":"fr-$run-1","anonymousId":"fr-anon-$run","name":"Home","timestamp":"$now"},
 {"type":"track","messageId":"fr-$run-2","anonymousId":"fr-anon-$run","event":"Product Viewed","timestamp":"$now"},
 {"type":"identify","messageId":"fr-$run-3","anonymousId":"fr-anon-$run","userId":"fr-user-$run","traits":{"email":"fr-$run@example.com"},"timestamp":"$now"}
]}
EOF
}

rows=()
ok=0
for try in $(seq 1 "$TRIES"); do
  export TOUCHPOINT_HOME=$WORK/try-$try
  (
    flock 9
    t0=$(date +%s.%N)
    if ! "$TOUCHPOINT" up >"$WORK/up-$try.log" 2>&1; then
      echo "up-failed - - -" >"$WORK/result-$try"
    else
      t1=$(date +%s.%N)
      # curl prints 000 as the status when nothing answered
      answer=$(body "$try-$RANDOM$RANDOM" | curl -sS -o "$WORK/answer-$try" -w '%{http_code} %{time_total}' --max-time 60 \
        -u dev-write-key: -H 'Content-Type: application/json' --data-binary @- http://127.0.0.1:8081/v1/batch \
        2>"$WORK/curl-$try.err") || true
      # its claim answered in time, or published unchecked (Redis not yet answering: no dedup for it)
      unchecked=$(curl -sS --max-time 10 http://127.0.0.1:8081/q/metrics 2>/dev/null \
        | awk '/^touchpoint_ingest_dedup_unavailable_total/ { n += $2 } END { print n + 0 }')
      dedup=$([[ "$unchecked" == 0 ]] && echo checked || echo "unchecked ($unchecked)")
      echo "${answer:-000 -} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $dedup" >"$WORK/result-$try"
    fi
    "$TOUCHPOINT" down >"$WORK/down-$try.log" 2>&1 || echo "try $try: down failed, see $WORK/down-$try.log" >&2
  ) 9>"$LOCK"
  read -r status seconds up_seconds dedup <"$WORK/result-$try"
  [[ "$seconds" == - ]] || seconds=$(printf '%.2f' "$seconds")
  rows+=("| $try | $up_seconds | $status | $seconds | $dedup |")
  if [[ "$status" == 200 ]]; then
    ok=$((ok + 1))
  else
    # what the service said and its logs, kept for a look after the run
    mkdir -p "$KEEP/try-$try" && cp -r "$TOUCHPOINT_HOME/logs" "$WORK/up-$try.log" "$KEEP/try-$try/" 2>/dev/null || true
    [[ -f "$WORK/answer-$try" ]] && cp "$WORK/answer-$try" "$KEEP/try-$try/answer" || true
    echo "try $try: first POST answered $status; logs kept in $KEEP/try-$try" >&2
  fi
  echo "try $try: up in ${up_seconds} s, first POST /v1/batch $status in ${seconds} s, dedup $dedup" >&2
  rm -rf "$TOUCHPOINT_HOME"
done
unset TOUCHPOINT_HOME

echo
echo "First request after \`deploy/touchpoint up\` on a fresh data folder ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo "| try | up (s) | first POST /v1/batch | answered in (s) | its messageIds |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "200 in $ok of $TRIES"
[[ $ok == "$TRIES" ]]
