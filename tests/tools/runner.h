// Runs the `wulian` program for end-to-end tests.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Runs `wulian --data DIR/ledger ARGS…` (with a fixed WULIAN_NOW) and SIGKILLs it as soon as
// its stderr contains `marker`; returns what it had printed there. No sleeps: the kill is
// timed by the program's own progress output.
inline std::string RunAndKillAt(const std::string& dir, std::vector<std::string> args,
                                const std::string& marker) {
  // Everything the child needs is made before fork: it only redirects and execs.
  const std::string bin = Bin(), data = dir + "/ledger";
  std::vector<std::string> env_strings = {"WULIAN_NOW=2026-11-26T10:00:00+08:00"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("WULIAN_NOW=", 0) != 0) env_strings.push_back(*e);
  }
  std::vector<char*> argv = {const_cast<char*>("wulian"), const_cast<char*>("--data"),
                             const_cast<char*>(data.c_str())};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int null = open("/dev/null", O_WRONLY);
  int err[2];
  EXPECT_EQ(pipe(err), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    dup2(null, 1);
    close(err[0]);
    execve(bin.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(null);
  close(err[1]);
  std::string seen;
  char buf[256];
  ssize_t n;
  while (seen.find(marker) == std::string::npos && (n = read(err[0], buf, sizeof buf)) > 0) {
    seen.append(buf, static_cast<size_t>(n));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(err[0]);
  EXPECT_TRUE(WIFSIGNALED(status)) << "finished before it could be killed: " << seen;
  return seen;
}

}  // namespace wulian::testing
