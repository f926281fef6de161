// CommandSet: how client subcommands are registered and run. Each leaf command
// binds a body to its CLI::App; parsing records which one the user chose, and
// run() executes it, turning a CommandError into "gregor: <message>" on stderr
// and its exit code. Option variables live in the set (hold()), so they outlive
// parsing.
#pragma once

#include <functional>
#include <memory>
#include <vector>

namespace CLI {
class App;
}

namespace gregor::cli {

class CommandSet {
 public:
  using Body = std::function<void()>;

  void bind(CLI::App* command, Body body);

  template <typename T>
  T& hold() {
    auto value = std::make_shared<T>();
    storage_.push_back(value);
    return *value;
  }

  bool chosen() const { return static_cast<bool>(chosen_); }
  // The process exit code.
  int run() const;

 private:
  Body chosen_;
  std::vector<std::shared_ptr<void>> storage_;
};

// Registers every client command (topic, produce, consume, group, cluster,
// config, bench, transaction, producer) on app.
void add_client_commands(CLI::App& app, CommandSet& commands);

}  // namespace gregor::cli
