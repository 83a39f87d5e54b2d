#!/usr/bin/env bash
# Redis-only harness of the dedup claim (exploration, not the bench): a fresh redis-server, claims of
# `per` (100) new messageIds each plus their settle, pipelined DEPTH (16) deep; prints Redis's CPU per
# claimed event over the measured part and its memory.
#
#   flock /tmp/touchpoint-bench.lock deploy/bench/ingest/redis-harness/run.sh v2 27001 20000 10000
#   (layout: v1 = 2026-11-29's, v2 = now, v2s = v2 with short claim ids; port; prefill requests;
#    measured requests)
#
# REDIS_SERVER: the redis-server binary (the embedded stack's 6.2 is inside
# deploy/stack/target/lib/embedded-redis-*.jar as redis-server-6.2.6-v5-linux-amd64). v2 runs the
# scripts of DedupWindow.java as committed (read from the source); the Lua files here are v1's.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=$2
d=$(mktemp -d)
"${REDIS_SERVER:-redis-server}" --port "$port" --save '' --appendonly no --dir "$d" >/dev/null 2>&1 &
rp=$!
sleep 0.5
(cd "$HERE" && python3 claims.py "$@")
redis-cli -p "$port" info memory | grep used_memory_human
kill $rp; wait $rp 2>/dev/null || true; rm -rf "$d"
