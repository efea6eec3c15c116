// The command line of the `wulian` program: each command declared once, with its words,
// positionals and options, parsed by CLI11. Every command and group has a `--help`; a usage
// error (an unknown command or option, a missing value or positional, extra arguments) is
// one {"error": {"code": "INVALID_ARGUMENT", …}} on stdout, a hint on stderr, and exit 2.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace wulian::cli {

// A command's code: it reads its Args (its words after the first, then its positionals,
// then its options by name without the dashes; a switch is "1"). Returns the exit code.
using CommandFunction = int (*)(const Args&);

struct Positional {
  std::string name, help;
  bool required = true;
};

struct Option {
  std::string name;   // without the dashes
  std::string value;  // how the help names its value; empty: a switch without a value
  std::string help;
};

class CommandLine {
 public:
  explicit CommandLine(const std::string& description);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // A group of commands, e.g. "token": it needs one of its commands.
  void Group(const std::string& path, const std::string& help);
  // A command, e.g. "token add" (its group added first). A command may also be the group of
  // further commands ("report" and "report notice"): then those are optional.
  void Add(const std::string& path, const std::string& help, std::vector<Positional> positionals,
           std::vector<Option> options, CommandFunction run);
  // Parses argv and runs the command it names; `wulian help` and `--help` print the help.
  int Run(int argc, char** argv);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wulian::cli
