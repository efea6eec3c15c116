#!/usr/bin/env bash
# Runs the product: installs what is missing, builds, creates the demo ledger of Banan
# District in ./data if there is none, shows its overview, prints an auditor and a
# supervisor token, and serves the HTTP API on 127.0.0.1:8080 until Ctrl-C.
# Idempotent: an existing ./data is opened, not rebuilt; the two demo tokens are renewed.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
wulian=${WULIAN_BUILD_DIR:-build}/tools/wulian
data=${WULIAN_DATA:-./data}
listen=${WULIAN_LISTEN:-127.0.0.1:8080}
if [ ! -f "$data/db/CURRENT" ]; then
  echo "run: building the demo ledger in $data (20,000 events)" >&2
  "$wulian" --data "$data" demo --events 20000 >/dev/null
fi
echo "== wulian verify" >&2
"$wulian" --data "$data" verify
echo "== wulian query overview" >&2
"$wulian" --data "$data" query overview
for role in auditor supervisor; do
  "$wulian" --data "$data" token revoke "demo-$role" >/dev/null 2>&1 || true
  token=$("$wulian" --data "$data" token add --role "$role" --name "demo-$role" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  echo "$role token: $token"
  [ "$role" = auditor ] && auditor=$token
done
echo "try: curl -H 'Authorization: Bearer $auditor' http://$listen/v1/overview" >&2
echo "     or open http://$listen/ in a browser" >&2
exec "$wulian" --data "$data" serve --listen "$listen"
