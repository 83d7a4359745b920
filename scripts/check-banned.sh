#!/usr/bin/env bash
# Banned functions (as curl's checksrc): where C parsers break. Exits 1 and
# names file:line for each use in our C sources.
set -u
cd "$(dirname "$0")/.." || exit 2
pattern='\b(sprintf|vsprintf|strcpy|strcat|strncat|atoi|atol|atoll|atof|sscanf|strtok|gets)[[:space:]]*\('
hits=$(git ls-files -co --exclude-standard -- '*.c' '*.h' |
	xargs -r grep -nE "$pattern" |
	grep -vE '^\S+:[0-9]+:\s*(/\*|\*)' || true)
if [ -n "$hits" ]; then
	echo "banned functions used (see CONVENTIONS.md):"
	echo "$hits"
	exit 1
fi
echo "banned-function check: clean"
