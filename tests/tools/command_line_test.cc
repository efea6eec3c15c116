// The command line of `wulian` (tools/command_line.cc): a --help for every command, one
// error shape and exit 2 for every usage error, and nothing done on one.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support.h"
#include "tests/tools/runner.h"

namespace wulian {
namespace {

using testing::Output;
using testing::TempDir;
using testing::Wulian;

// The commands listed under "Subcommands:" in a help text.
std::vector<std::string> Commands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help.substr(std::min(help.size(), help.find("Subcommands:"))));
  const std::regex line("^  ([a-z-]+) .*");
  std::smatch m;
  for (std::string l; std::getline(in, l);) {
    if (std::regex_match(l, m, line)) out.push_back(m[1]);
  }
  return out;
}

TEST(CommandLineTest, EveryCommandAndGroupHasItsOwnHelp) {
  TempDir dir;
  const Output top = Wulian(dir.path(), "--help");
  ASSERT_EQ(top.exit_code, 0);
  std::vector<std::string> todo = Commands(top.out);
  ASSERT_GE(todo.size(), 18u) << top.out;
  std::set<std::string> seen;
  while (!todo.empty()) {
    const std::string command = todo.back();
    todo.pop_back();
    ASSERT_TRUE(seen.insert(command).second) << command;
    const Output help = Wulian(dir.path(), command + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage: wulian " + command + " "), std::string::npos)
        << command << ":\n"
        << help.out;
    for (const std::string& sub : Commands(help.out)) todo.push_back(command + " " + sub);
  }
  for (const char* command : {"query studio", "token add", "user set", "bench import",
                              "proof consistency", "check inclusion", "report", "serve"}) {
    EXPECT_TRUE(seen.count(command)) << command;
  }
  // `wulian help` is the top help.
  EXPECT_EQ(Wulian(dir.path(), "help").out, top.out);
  // Nothing was created by asking for help.
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/ledger"));
}

TEST(CommandLineTest, UsageErrorsAreOneErrorShapeExitTwoAndDoNothing) {
  TempDir dir;
  const std::regex shape(R"(^\{"error":\{"code":"INVALID_ARGUMENT","message":"[^"]+"\}\}\n$)");
  for (const char* args :
       {"", "nosuch", "init extra", "init --bogus", "export --from", "export --from 1 --to",
        "query", "query studio", "query studio S01 S02", "query nosuch", "token", "user add",
        "proof consistency 1", "rebuild studio member", "serve --insecure-http=maybe",
        "report notice --period 2026-Q3 --axis recorded", "report --out x notice --period 2026-Q3",
        "report members --year 2025 --out d --as-of 2025-01-01T00:00:00Z", "token create"}) {
    const Output o = Wulian(dir.path(), args);
    EXPECT_EQ(o.exit_code, 2) << args << ": " << o.out;
    EXPECT_TRUE(std::regex_match(o.out, shape)) << args << ": " << o.out;
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/ledger")) << args;
  }
  EXPECT_NE(Wulian(dir.path(), "nosuch").out.find("unknown command nosuch"), std::string::npos);
  EXPECT_NE(Wulian(dir.path(), "token create").out.find("unknown command token create"),
            std::string::npos);
  // --data may stand before or after the command, with or without "=".
  ASSERT_EQ(Wulian(dir.path(), "init").exit_code, 0);
  const std::string bin = testing::Bin(), data = dir.path() + "/ledger";
  for (const std::string& cmd :
       {bin + " query overview --data " + data, bin + " --data=" + data + " query overview"}) {
    std::FILE* pipe = popen((cmd + " 2>/dev/null").c_str(), "r");
    char buf[4096];
    const size_t n = std::fread(buf, 1, sizeof buf, pipe);
    EXPECT_EQ(WEXITSTATUS(pclose(pipe)), 0) << cmd;
    EXPECT_NE(std::string(buf, n).find("\"events\":0"), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace wulian
