#!/usr/bin/env bash
# Long runs kept out of the suite (each has a short version in tools/test.sh):
#   - the crash tests repeated ROUNDS times (SIGKILL of import, of view catch-up and rebuild,
#     and of the server under concurrent appends, each at a different moment every round);
#   - the fuzz target for FUZZ_SECONDS under libFuzzer (tools/fuzz.sh).
# Usage: tools/soak.sh [ROUNDS] [FUZZ_SECONDS]    (defaults 20 and 600)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
fuzz_seconds=${2:-600}
tools/setup.sh
build=${WULIAN_BUILD_DIR:-build}
"$build/tests/crash_test" --gtest_repeat="$rounds" --gtest_brief=1
"$build/tests/cli_test" --gtest_filter='*Killed*:*Interrupted*' --gtest_repeat="$rounds" --gtest_brief=1
"$build/tests/views_test" --gtest_filter='CrashTest.*:IncrementalTest.*' --gtest_repeat="$rounds" --gtest_brief=1
tools/fuzz.sh "$fuzz_seconds"
