// Always-on invariant checks. A broken invariant stops the process loudly
// rather than letting it corrupt data; expected failures use Result instead.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace gregor::detail {
[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line,
                                     const char* msg) {
  std::fprintf(stderr, "gregor: assertion failed: %s (%s) at %s:%d\n", expr, msg, file, line);
  std::abort();
}
}  // namespace gregor::detail

#define GREGOR_ASSERT(expr, msg)                                       \
  do {                                                                 \
    if (!(expr)) [[unlikely]]                                          \
      ::gregor::detail::assert_fail(#expr, __FILE__, __LINE__, (msg)); \
  } while (false)
