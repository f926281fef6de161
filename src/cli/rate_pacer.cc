#include "cli/rate_pacer.h"

#include <thread>

namespace gregor::cli {

void RatePacer::wait() {
  if (per_second_ <= 0) return;
  auto at = due(next_++);
  if (at > Clock::now()) std::this_thread::sleep_until(at);
}

}  // namespace gregor::cli
