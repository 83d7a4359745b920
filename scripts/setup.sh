#!/usr/bin/env bash
# Fresh Debian 12 machine to a built netsweep: packages, then a release build
# into build/ (the program is build/netsweep).
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
echo "built: $(pwd)/build/netsweep"
