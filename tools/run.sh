#!/usr/bin/env bash
# Runs the product: installs what is missing, builds, creates the demo ledger of Banan
# District in ./data if there is none, and shows it: the verify result and a few events.
# Idempotent: an existing ./data is opened, not rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
wulian=${WULIAN_BUILD_DIR:-build}/tools/wulian
data=${WULIAN_DATA:-./data}
if [ ! -f "$data/db/CURRENT" ]; then
  echo "run: building the demo ledger in $data" >&2
  "$wulian" --data "$data" demo --events 20000
fi
echo "== wulian verify" >&2
"$wulian" --data "$data" verify
echo "== wulian head" >&2
"$wulian" --data "$data" head
echo "== wulian export --from 1 --to 3" >&2
"$wulian" --data "$data" export --from 1 --to 3
