// The HTTP fuzz target's pieces, shared with its smoke test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wulian::fuzz {

// Sends `request` (with @TOKEN@ replaced by an admin token) on a new connection to the
// process's fuzzing server, half-closes, and returns everything it answered.
std::string Exchange(std::string request);

// An empty answer (closed), or a status line with a code of 100-599 and a header end.
bool WellFormed(const std::string& answer);

}  // namespace wulian::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
