// LEDGER_ASSERT: invariants that stay checked in release builds. A failed assertion logs
// where and what, then aborts: continuing would risk writing a wrong log. Bad input is never
// asserted; it is a Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#define LEDGER_ASSERT(cond, what)                                                                  \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, #cond, what); \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)
