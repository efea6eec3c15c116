#!/usr/bin/env bash
# tools/fuzz.sh [SECONDS] [codec|http]: fuzzes under libFuzzer with AddressSanitizer and
# UBSan for SECONDS seconds (default 300) either every untrusted-text input path
# (tests/fuzz/codec_fuzz.cc, the default) or whole HTTP requests against a real server
# (tests/fuzz/http_fuzz.cc). The suite runs a short, deterministic version of each
# (tests/fuzz/fuzz_smoke_test.cc, http_fuzz_smoke_test.cc). Needs clang and libclang-rt-14-dev.
# The HTTP target cannot be built by clang 14 here: Boost 1.74's Asio enables co_await on
# clang only through <experimental/coroutine>, which Debian's libstdc++ 12 lacks. So `http`
# runs the mutation driver of the smoke test instead (the same mutator, without coverage
# guidance) for about SECONDS, from a random seed it prints, built by GCC with
# AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
target=${2:-codec}
case "$target" in codec|http) ;; *) echo "usage: tools/fuzz.sh [SECONDS] [codec|http]" >&2; exit 2 ;; esac
tools/setup.sh >/dev/null
if ! command -v clang++ >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
if [ "$target" = http ]; then
  dir=build-asan
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" >/dev/null
  fi
  ninja -C "$dir" -j2 http_fuzz_smoke_test >&2
  seed=${WULIAN_HTTP_FUZZ_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
  # About 400 requests a second under the sanitizers on 2 cores.
  WULIAN_HTTP_FUZZ_SEED=$seed WULIAN_HTTP_FUZZ_RUNS=$((seconds * 400)) \
    exec "$dir/tests/http_fuzz_smoke_test"
fi
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWULIAN_FUZZ=ON \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -Wno-unused-command-line-argument" >/dev/null
fi
ninja -C "$dir" -j2 "${target}_fuzz" >&2
mkdir -p "$dir/corpus-$target"
exec "$dir/tests/${target}_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 "$dir/corpus-$target"
