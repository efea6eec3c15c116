#!/usr/bin/env bash
# Long runs kept out of the suite (each has a short version in tools/test.sh):
#   - the crash tests repeated ROUNDS times (SIGKILL of import, of view catch-up and rebuild,
#     and of the server under concurrent appends, each at a different moment every round);
#   - the seeded fault simulator for FAULT_LIVES lives (crash, EIO or ENOSPC at a random
#     write point of each; the suite runs 24); it prints its seed, and
#     WULIAN_FAULT_SEED=N replays a failure;
#   - the fuzz target for FUZZ_SECONDS under libFuzzer (tools/fuzz.sh).
# Usage: tools/soak.sh [ROUNDS] [FUZZ_SECONDS] [FAULT_LIVES]    (defaults 20, 600 and 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
fuzz_seconds=${2:-600}
fault_lives=${3:-2000}
tools/setup.sh
build=${WULIAN_BUILD_DIR:-build}
"$build/tests/crash_test" --gtest_repeat="$rounds" --gtest_brief=1
"$build/tests/cli_test" --gtest_filter='*Killed*:*Interrupted*' --gtest_repeat="$rounds" --gtest_brief=1
"$build/tests/views_test" --gtest_filter='CrashTest.*:IncrementalTest.*' --gtest_repeat="$rounds" --gtest_brief=1
WULIAN_FAULT_LIVES="$fault_lives" "$build/tests/fault_sim_test"
tools/fuzz.sh "$fuzz_seconds"
