#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load check of netsweep serve with wrk on GET /api/suspects: no errors and
# no memory growth. Builds the benign demo case (tests/e2e/make_case.sh),
# logs in, warms up, then runs wrk for DURATION seconds (default 60) while
# sampling the server's RSS; prints requests, errors, RSS after warm-up
# (baseline), at the end, and the ratio. CONNS (default 8) sets wrk's
# concurrent connections, API (default /api/suspects?limit=50) the route.
#   [CONNS=2] [API=/api/graph?suspect=1] bench/serve_load.sh BUILD_DIR [DURATION]
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
N=$(cd "${1:?usage: serve_load.sh BUILD_DIR [SECONDS]}" && pwd)/netsweep
DUR=${2:-60}
CONNS=${CONNS:-8}
API=${API:-/api/suspects?limit=50}
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)"; exit 2; }
PW='bench-benign-password-1'
WORK=$(mktemp -d)
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
CASE=$("$HERE/tests/e2e/make_case.sh" "$N" "$WORK" "$PW")
"$N" serve --case "$CASE" --listen 127.0.0.1:0 >"$WORK/out" 2>&1 &
SRV=$!
for _ in $(seq 1 50); do
	PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/out")
	[ -n "${PORT:-}" ] && break
	sleep 0.1
done
URL="http://127.0.0.1:$PORT"
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"username\":\"analyst\",\"password\":\"$PW\"}" "$URL/api/login" |
	sed -n 's/^Set-Cookie: \(nsw_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "login failed"; exit 1; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$SRV/status"; }
wrk -t2 -c"$CONNS" -d5s -H "Cookie: $COOKIE" "$URL$API" >/dev/null
BASE=$(rss)
echo "load: $(nproc) cores, $(cut -d' ' -f1-3 /proc/loadavg) load average"
echo "rss after 5 s warm-up (baseline): ${BASE} kB"
( for _ in $(seq 1 $((DUR / 5))); do sleep 5; echo "rss $(rss) kB"; done ) &
SAMPLER=$!
echo "wrk: $CONNS connections on GET $API for $DUR s"
wrk -t2 -c"$CONNS" -d"${DUR}s" -H "Cookie: $COOKIE" --latency \
	"$URL$API" | tee "$WORK/wrk.txt"
wait "$SAMPLER" || true
END=$(rss)
NON2XX=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' "$WORK/wrk.txt")
SOCKERR=$(grep -c 'Socket errors' "$WORK/wrk.txt" || true)
echo "rss at end: ${END} kB; ratio end/baseline: $(awk -v a="$END" -v b="$BASE" 'BEGIN{printf "%.3f", a/b}')"
echo "non-2xx: ${NON2XX:-0}; socket error lines: $SOCKERR"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "case WAL at the end: $(stat -c %s "$CASE-wal" 2>/dev/null || echo '?') bytes"
echo "audit entries written (one per view): $(sqlite3 "$CASE" 'select count(*) from audit_log' 2>/dev/null || echo '?')"
[ -z "$NON2XX" ] && [ "$SOCKERR" = 0 ]
