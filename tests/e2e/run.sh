#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ctest entry of the end-to-end browser test. Exits 77 (ctest: skipped)
# with a visible SKIP line when chromium or node_modules are absent.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
N=${NSW_BIN:?NSW_BIN must point at the netsweep program}
if [ ! -x /usr/bin/chromium ]; then
	echo "SKIP e2e: /usr/bin/chromium not installed (scripts/deps.sh installs it)"
	exit 77
fi
if [ ! -d "$HERE/node_modules/playwright-core" ] || ! command -v node >/dev/null; then
	echo "SKIP e2e: run 'npm ci' in tests/e2e (scripts/test.sh does)"
	exit 77
fi
PW='e2e-benign-password-1'
WORK=$(mktemp -d)
SRV=
cleanup() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
CASE=$("$HERE/make_case.sh" "$N" "$WORK" "$PW" 2>"$WORK/make_case.err") ||
	{ echo "FAIL: building the case"; cat "$WORK/make_case.err"; exit 1; }
"$N" serve --case "$CASE" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SRV=$!
PORT=
for _ in $(seq 1 50); do
	PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/serve.out")
	[ -n "$PORT" ] && break
	sleep 0.1
done
[ -n "$PORT" ] || { echo "FAIL: server did not start"; cat "$WORK/serve.err"; exit 1; }
node "$HERE/e2e.mjs" "http://127.0.0.1:$PORT" "$PW"
