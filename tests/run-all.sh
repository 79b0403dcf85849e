#!/usr/bin/env bash
# Installs the dependencies, builds dnmf with its tests, and runs every test through CTest.
# This is the README's test command; .ci/run runs it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/.ci/install-deps"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build "$root/build" -j 2
ctest --test-dir "$root/build" --output-on-failure -j 2
