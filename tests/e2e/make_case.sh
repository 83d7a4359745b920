#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build an analysed case from the benign demo operation, with one user per
# role, for the end-to-end test: make_case.sh NETSWEEP DIR PASSWORD
set -euo pipefail
N=$1 DIR=$2 PW=$3
"$N" demo -o "$DIR/demo" --scale small --generate-only >/dev/null
C=$DIR/case.nsdb
"$N" case init "$C" --name E2E-1 --examiner e2e >/dev/null
"$N" list import --name known-vics -o "$DIR/vics.nswl" "$DIR/demo/lists/known-vics.json" >/dev/null
"$N" list import --name known-pdq --format pdq -o "$DIR/pdq.nswl" "$DIR/demo/lists/known-pdq.csv" >/dev/null
"$N" scan --case "$C" --list "$DIR/vics.nswl" --list "$DIR/pdq.nswl" --label device "$DIR"/demo/devices/* >/dev/null
"$N" ingest --case "$C" --list "$DIR/vics.nswl" --list "$DIR/pdq.nswl" "$DIR/demo/exports/telegram" "$DIR"/demo/exports/whatsapp/*.txt >/dev/null
"$N" attribute --case "$C" --geoip "$DIR/demo/geoip-test.mmdb" --ip-log "$DIR/demo/ip-log.csv" >/dev/null
"$N" analyze --case "$C" >/dev/null
for u in analyst reviewer auditor; do
	printf '%s\n' "$PW" | "$N" user add --case "$C" --name "$u" --role "$u" >/dev/null
done
echo "$C"
