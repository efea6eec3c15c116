#!/usr/bin/env bash
# Runs every test: installs what is missing, builds (the C++ tree and the web workspace),
# runs the GoogleTest suite with CTest, then the browser tests of the web workspace
# (Playwright driving Debian's chromium against a real `wulian serve`). Idempotent. Long
# soak, load and fuzz runs are separate scripts (tools/soak.sh, tools/fuzz.sh, wulian bench);
# the suite runs short versions of them.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build_dir=$(realpath "${WULIAN_BUILD_DIR:-build}")
(cd "$build_dir" && ctest --output-on-failure -j2 --timeout 600)
echo "test: browser tests of the web workspace (web/tests)" >&2
cd web
WULIAN_BIN="$build_dir/tools/wulian" WULIAN_WEB_DIR="$PWD/dist" CI=1 npx playwright test
