#!/usr/bin/env bash
# Runs the product: installs what is missing, builds (the C++ tree and the web workspace),
# creates the demo ledger of Banan District in ./data if there is none, adds the demo people
# if missing (a supervisor, an auditor, an admin and a recorder for studio S01) and prints
# each one's generated password once, and serves the workspace and the HTTP API on
# http://127.0.0.1:8080/ until Ctrl-C.
# Idempotent: an existing ./data is opened, not rebuilt; existing people keep their passwords.
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
"$wulian" --data "$data" verify >&2

# login role studios display-name
people=(
  "dudao supervisor - 督导组（演示）"
  "shenji auditor - 审计员（演示）"
  "guanli admin - 管理员（演示）"
  "jilu01 recorder S01 商贸物流委员工作室记录员（演示）"
)
existing=$("$wulian" --data "$data" user list)
echo "== sign in at http://$listen/ as" >&2
for person in "${people[@]}"; do
  read -r login role studios name <<<"$person"
  if grep -q "\"login\":\"$login\"" <<<"$existing"; then
    echo "  $login ($role): password as printed when it was created;" \
      "a new one: $wulian --data $data user password $login" >&2
    continue
  fi
  args=(user add "$login" --role "$role" --name "$name")
  [ "$studios" = - ] || args+=(--studio "$studios")
  line=$("$wulian" --data "$data" "${args[@]}")
  password=$(sed -E 's/.*"password":"([^"]+)".*/\1/' <<<"$line")
  who=$role
  [ "$studios" = - ] || who="$role, $studios"
  echo "  $login ($who): password $password   (shown once)" >&2
done
echo "== the API takes the same session cookie, or a token: $wulian --data $data token add --role auditor --name me" >&2
exec "$wulian" --data "$data" serve --listen "$listen"
