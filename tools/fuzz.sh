#!/usr/bin/env bash
# Fuzzes every untrusted-text input path (tests/fuzz/codec_fuzz.cc) under libFuzzer with
# AddressSanitizer and UBSan, for SECONDS seconds (default 300). The suite runs a short,
# deterministic version (tests/fuzz/fuzz_smoke_test.cc). Needs clang and libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
tools/setup.sh >/dev/null
if ! command -v clang++ >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWULIAN_FUZZ=ON \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -Wno-unused-command-line-argument" >/dev/null
fi
ninja -C "$dir" -j2 codec_fuzz >&2
mkdir -p "$dir/corpus"
exec "$dir/tests/codec_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 "$dir/corpus"
