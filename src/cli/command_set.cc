#include "cli/command_set.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command_error.h"

namespace gregor::cli {

void CommandSet::bind(CLI::App* command, Body body) {
  command->callback([this, body = std::move(body)] { chosen_ = body; });
}

int CommandSet::run() const {
  try {
    chosen_();
    std::fflush(stdout);
    return static_cast<int>(ExitCode::kOk);
  } catch (const CommandError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "gregor: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    // A library failure that no command anticipated: still one line, still an error.
    std::fflush(stdout);
    std::fprintf(stderr, "gregor: %s\n", e.what());
    return static_cast<int>(ExitCode::kFailed);
  }
}

}  // namespace gregor::cli
