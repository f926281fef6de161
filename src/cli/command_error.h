// CommandError: the one way a `gregor` client command fails. It carries the
// process exit code and a one-line message; the dispatcher (commands.cc) is the
// only place that catches it, prints "gregor: <message>" and exits with the code.
// A command is a short-lived process whose every failure ends it, so an
// exception unwinding to one catch site is simpler than threading results
// through every helper.
#pragma once

#include <stdexcept>
#include <string>

namespace gregor::cli {

// Exit codes that scripts can rely on (also listed in the module README).
enum class ExitCode : int {
  kOk = 0,
  kFailed = 1,       // the cluster refused or reported an error (unknown topic, exists, ...)
  kUsage = 2,        // bad arguments or input
  kUnreachable = 3,  // no broker answered within the timeout
  kUnsupported = 4,  // the broker does not implement the API the command needs
};

class CommandError : public std::runtime_error {
 public:
  CommandError(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

[[noreturn]] inline void fail(const std::string& message) {
  throw CommandError(ExitCode::kFailed, message);
}
[[noreturn]] inline void usage_error(const std::string& message) {
  throw CommandError(ExitCode::kUsage, message);
}

}  // namespace gregor::cli
