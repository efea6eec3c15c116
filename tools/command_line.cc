#include "tools/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <deque>
#include <iostream>
#include <map>
#include <sstream>

#include "base/assert.h"

namespace wulian::cli {

struct CommandLine::Impl {
  struct Node {
    CLI::App* app = nullptr;
    std::vector<std::string> words;
    CommandFunction run = nullptr;
    std::deque<std::string> positional_values;
    std::vector<CLI::Option*> positionals;
    std::map<std::string, std::string> values;
    std::map<std::string, bool> switches;
    std::map<std::string, CLI::Option*> options;
  };

  explicit Impl(const std::string& description) : app(description, "wulian") {}

  static std::vector<std::string> Words(const std::string& path) {
    std::vector<std::string> words;
    std::istringstream in(path);
    for (std::string w; in >> w;) words.push_back(w);
    LEDGER_ASSERT(!words.empty(), "command table");
    return words;
  }

  Node& Make(const std::string& path, const std::string& help) {
    const auto words = Words(path);
    LEDGER_ASSERT(!nodes.count(path), "command table");
    CLI::App* parent = &app;
    if (words.size() > 1) {
      std::string parent_path = words[0];
      for (size_t i = 1; i + 1 < words.size(); ++i) parent_path += " " + words[i];
      auto it = nodes.find(parent_path);
      LEDGER_ASSERT(it != nodes.end(), "command table");
      parent = it->second->app;
      // A command that is also a group: its commands are optional.
      if (it->second->run != nullptr) parent->require_subcommand(0, 1);
    }
    Node& node = storage.emplace_back();
    node.words = words;
    node.app = parent->add_subcommand(words.back(), help);
    node.app->footer("");
    nodes[path] = &node;
    return node;
  }

  // The deepest command that the parse selected.
  Node* Selected() {
    Node* best = nullptr;
    for (Node& n : storage) {
      if (n.run != nullptr && n.app->parsed() &&
          (best == nullptr || n.words.size() > best->words.size()))
        best = &n;
    }
    return best;
  }

  CLI::App app;
  std::string data = "./data";
  std::deque<Node> storage;
  std::map<std::string, Node*> nodes;
};

CommandLine::CommandLine(const std::string& description)
    : impl_(std::make_unique<Impl>(description)) {
  CLI::App& app = impl_->app;
  app.fallthrough();  // --data may stand anywhere
  app.require_subcommand(1);
  app.add_option("--data", impl_->data, "the ledger directory")
      ->type_name("DIR")
      ->capture_default_str();
  app.footer("`wulian COMMAND --help` shows a command's arguments.");
}

CommandLine::~CommandLine() = default;

void CommandLine::Group(const std::string& path, const std::string& help) {
  impl_->Make(path, help).app->require_subcommand(1);
}

void CommandLine::Add(const std::string& path, const std::string& help,
                      std::vector<Positional> positionals, std::vector<Option> options,
                      CommandFunction run) {
  Impl::Node& node = impl_->Make(path, help);
  node.run = run;
  for (const Positional& p : positionals) {
    std::string& value = node.positional_values.emplace_back();
    CLI::Option* o = node.app->add_option(p.name, value, p.help);
    if (p.required) o->required();
    node.positionals.push_back(o);
  }
  for (const Option& o : options) {
    if (o.value.empty()) {
      node.options[o.name] = node.app->add_flag("--" + o.name, node.switches[o.name], o.help);
    } else {
      node.options[o.name] =
          node.app->add_option("--" + o.name, node.values[o.name], o.help)->type_name(o.value);
    }
  }
}

int CommandLine::Run(int argc, char** argv) {
  CLI::App& app = impl_->app;
  // The command word: the first argument that is neither an option nor --data's value.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data") {
      ++i;
    } else if (a == "help") {
      // `wulian help [COMMAND…]`: the help of the command named.
      std::vector<std::string> words(argv + i + 1, argv + argc);
      words.push_back("--help");
      std::vector<char*> help_argv{argv[0]};
      for (std::string& w : words) help_argv.push_back(w.data());
      return Run(static_cast<int>(help_argv.size()), help_argv.data());
    } else if (!a.starts_with("-")) {
      if (!impl_->nodes.count(a)) {
        std::cerr << "see `wulian --help`\n";
        return Fail(Status::InvalidArgument("unknown command " + a));
      }
      break;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "wulian";
    size_t depth = 0;
    const CLI::App* group = &app;
    for (; !group->get_subcommands().empty(); ++depth) {
      group = group->get_subcommands().front();
      where += " " + group->get_name();
    }
    std::cerr << "see `" << where << " --help`\n";
    // A group given a word that is none of its commands: say which word.
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
        !group->get_subcommands({}).empty()) {
      size_t words = 0;
      for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--data") {
          ++i;
        } else if (!a.starts_with("-") && words++ == depth) {
          return Fail(Status::InvalidArgument("unknown command " + where.substr(7) + " " + a));
        }
      }
    }
    return Fail(Status::InvalidArgument(e.what()));
  }
  Impl::Node* node = impl_->Selected();
  LEDGER_ASSERT(node != nullptr, "command table");  // require_subcommand holds for every group
  // An option of an enclosing command ("report --axis") falls through to it from a command
  // within ("report notice"), which would ignore it: refused.
  for (const Impl::Node& outer : impl_->storage) {
    if (&outer == node || outer.words.size() >= node->words.size() ||
        !std::equal(outer.words.begin(), outer.words.end(), node->words.begin()))
      continue;
    for (const auto& [name, option] : outer.options) {
      if (option->count() == 0) continue;
      std::string path;
      for (const auto& w : node->words) path += (path.empty() ? "" : " ") + w;
      std::cerr << "see `wulian " << path << " --help`\n";
      return Fail(Status::InvalidArgument("--" + name + " is not an option of " + path));
    }
  }
  Args args;
  args.data = impl_->data;
  args.positional.assign(node->words.begin() + 1, node->words.end());
  for (size_t i = 0; i < node->positionals.size(); ++i) {
    if (node->positionals[i]->count() > 0) args.positional.push_back(node->positional_values[i]);
  }
  for (const auto& [name, option] : node->options) {
    if (option->count() == 0) continue;
    args.flags[name] = node->switches.count(name) ? "1" : node->values[name];
  }
  return node->run(args);
}

}  // namespace wulian::cli
