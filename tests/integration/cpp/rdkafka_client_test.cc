// rdkafka_client_test: librdkafka's C++ client against a running broker.
//
//   rdkafka_client_test BOOTSTRAP                         all checks
//   rdkafka_client_test BOOTSTRAP admin|roundtrip|positions|groups|txn
//   rdkafka_client_test BOOTSTRAP restart-produce PREFIX BASE_TS_MS
//   rdkafka_client_test BOOTSTRAP restart-verify  PREFIX BASE_TS_MS
//
// Prints one PASS/FAIL line per check and a closing "N passed, N failed" line;
// exits 0 only if every check passed (2 on a usage error).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "suites.h"

int main(int argc, char** argv) {
  using namespace gregor::it;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s BOOTSTRAP "
                 "[admin|roundtrip|positions|groups|txn|restart-produce|restart-verify ...]\n",
                 argv[0]);
    return 2;
  }
  const std::string bs = argv[1];
  const std::string what = argc > 2 ? argv[2] : "all";
  Checker c;
  if (what == "all" || what == "admin") RunAdminChecks(c, bs);
  if (what == "all" || what == "roundtrip") RunRoundTripChecks(c, bs);
  if (what == "all" || what == "positions") RunPositionChecks(c, bs);
  if (what == "all" || what == "groups") RunGroupChecks(c, bs);
  if (what == "all" || what == "txn") RunTxnChecks(c, bs);
  if (what == "restart-produce" || what == "restart-verify") {
    if (argc != 5) {
      std::fprintf(stderr, "usage: %s BOOTSTRAP %s PREFIX BASE_TS_MS\n", argv[0], what.c_str());
      return 2;
    }
    const long long base = std::strtoll(argv[4], nullptr, 10);
    if (what == "restart-produce") RunRestartProduce(c, bs, argv[3], base);
    if (what == "restart-verify") RunRestartVerify(c, bs, argv[3], base);
  }
  if (c.passed() + c.failed() == 0) {
    std::fprintf(stderr, "unknown check group '%s'\n", what.c_str());
    return 2;
  }
  c.PrintSummary();
  return c.failed() == 0 ? 0 : 1;
}
