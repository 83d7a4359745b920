#!/usr/bin/env bash
# Runs one golden CLI case: DIR/cmd is a bash snippet run in a fresh temp
# dir with $NSW (the binary) and $DATA (tests/data) set; its stdout must equal
# DIR/expected (if present) and its exit status DIR/status (default 0).
# DIR/setup, if present, runs first in the same temp dir. A cmd that exits
# 77 is skipped (ctest shows it; it prints "SKIP: why" on stderr).
set -u
dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NSW="$NSW_BIN" DATA="$NSW_TEST_DATA" CASE="$dir"
cd "$tmp" || exit 1
if [ -f "$dir/setup" ]; then
	bash "$dir/setup" || { echo "setup failed"; exit 1; }
fi
bash "$dir/cmd" >"$tmp/.stdout" 2>"$tmp/.stderr"
status=$?
# 77: a tool the case needs is missing; it said why (SKIP: ...) on stderr.
if [ "$status" = 77 ]; then
	cat "$tmp/.stderr"
	exit 77
fi
want=0
[ -f "$dir/status" ] && want=$(cat "$dir/status")
fail=0
if [ "$status" != "$want" ]; then
	echo "exit status $status, expected $want"
	fail=1
fi
if [ -f "$dir/expected" ] && ! diff -u "$dir/expected" "$tmp/.stdout"; then
	fail=1
fi
if [ -f "$dir/expected_stderr" ] && ! diff -u "$dir/expected_stderr" "$tmp/.stderr"; then
	fail=1
fi
if [ $fail -ne 0 ]; then
	echo "--- stderr:"; cat "$tmp/.stderr"
fi
exit $fail
