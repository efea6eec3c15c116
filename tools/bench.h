// `wulian bench …`: benchmarks that measure the ledger against a baseline in the same run
// (SPEC §7). Documented in docs/benchmarks.md.
#pragma once

#include "tools/cli.h"

namespace wulian::cli {

// bench import [--events N] [--dir DIR]
int Bench(const Args& args);

}  // namespace wulian::cli
