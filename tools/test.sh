#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, and runs the GoogleTest suite with
# CTest. Idempotent. Long soak, load and fuzz runs are separate scripts (tools/soak.sh,
# tools/fuzz.sh, wulian bench); the suite runs short versions of them.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build_dir=${WULIAN_BUILD_DIR:-build}
cd "$build_dir"
ctest --output-on-failure -j2 --timeout 600
