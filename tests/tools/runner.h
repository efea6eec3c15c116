// Runs the `wulian` program for end-to-end tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support.h"

namespace wulian::testing {

struct Output {
  int exit_code = -1;
  std::string out;
};

inline std::string Bin() { return WULIAN_BIN; }

// Runs `wulian --data DIR ARGS` through the shell, stdin from `input` (if any).
inline Output Wulian(const std::string& dir, const std::string& args, const std::string& input = "",
                     const std::string& env = "WULIAN_NOW=2026-11-26T10:00:00+08:00") {
  std::string in_path = dir + "/.stdin";
  std::ofstream(in_path, std::ios::binary) << input;
  const std::string cmd =
      env + " " + Bin() + " --data " + dir + "/ledger " + args + " < " + in_path + " 2>/dev/null";
  Output result;
  std::FILE* pipe = popen(cmd.c_str(), "r");
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

inline std::string Contact(const std::string& id, const std::string& studio = "S01") {
  return Event(id, "ContactRecorded",
               R"({"studio":")" + studio +
                   R"(","members":["M1"],"channel":"visit","peopleReached":3,"topic":"停车难"})");
}

inline std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace wulian::testing
