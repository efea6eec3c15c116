#!/usr/bin/env bash
# Installs the Debian 12 packages Wulian Ledger builds, runs and is tested with, when
# missing; builds the web workspace (web/dist) with the npm packages pinned in
# web/package-lock.json; configures and builds the C++ tree. Idempotent: what is present
# and up to date is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  librocksdb-dev rocksdb-tools
  capnproto libcapnp-dev
  libboost-dev libboost-system-dev
  libspdlog-dev libgtest-dev
  libssl-dev openssl libsodium-dev libsimdjson-dev
  libcli11-dev libzip-dev libexpat1-dev libxlsxwriter-dev
  libpango1.0-dev libcairo2-dev poppler-utils unzip
  nodejs npm chromium fonts-noto-cjk
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js already on PATH (20 or newer) serves as well as Debian's.
if command -v node >/dev/null && command -v npm >/dev/null &&
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  kept=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || kept+=("$p"); done
  missing=("${kept[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web workspace: reinstall npm packages when the lock file changed, rebuild the
# bundle when any of its sources is newer than it.
if [ ! -f web/node_modules/.package-lock.json ] ||
  [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (web)" >&2
  (cd web && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
if [ ! -f web/dist/index.html ] ||
  [ -n "$(find web/src web/public web/index.html web/vite.config.js web/package-lock.json \
    web/scripts -newer web/dist/index.html -print -quit)" ]; then
  echo "setup: building the web workspace (web/dist)" >&2
  (cd web && npm run --silent build >&2)
fi

build_dir=${WULIAN_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build_dir" -j2 >&2
