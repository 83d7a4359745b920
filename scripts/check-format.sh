#!/usr/bin/env bash
# Formatting is enforced: every tracked .c/.h must be clang-format-14 clean.
set -u
cd "$(dirname "$0")/.." || exit 2
cf=$(command -v clang-format-14 || command -v clang-format)
files=$(git ls-files -co --exclude-standard -- '*.c' '*.h')
if [ -z "$files" ]; then
	echo "format check: no files"; exit 0
fi
if ! echo "$files" | xargs -r "$cf" --dry-run --Werror 2>/tmp/nsw-format.log; then
	grep -E 'error:' /tmp/nsw-format.log | cut -d: -f1 | sort -u | sed 's/^/needs clang-format: /'
	exit 1
fi
echo "format check: clean ($(echo "$files" | wc -l) files)"
