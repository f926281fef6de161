// Ctrl-C (SIGINT) and SIGTERM ask long-running commands (consume in follow
// mode, bench) to stop cleanly: they finish the current step, close their
// clients (committing a group's offsets) and print their summary.
#pragma once

namespace gregor::cli {

// Installs the handlers; later signals set the flag that stop_requested() reads.
void watch_stop_signals();
bool stop_requested();

}  // namespace gregor::cli
