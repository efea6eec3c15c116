// `wulian bench …`: benchmarks that measure the ledger against a baseline in the same run
// (SPEC §7). Documented in docs/benchmarks.md.
#pragma once

#include "tools/cli.h"

namespace wulian::cli {

// bench import|verify|rebuild|serve …
int Bench(const Args& args);

// bench serve [--per-client N] (tools/bench_serve.cc)
int BenchServe(const Args& args);

}  // namespace wulian::cli
