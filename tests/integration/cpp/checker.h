// A minimal named-check runner for the integration program: each check runs to
// the end, collects its failures, and prints one PASS/FAIL line; main() turns the
// totals into the exit code. Single-threaded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rk_client.h"

namespace gregor::it {

class Checker {
 public:
  void Run(const std::string& name, const std::function<void(Checker&)>& body);
  // Records a failure of the running check unless ok.
  bool Expect(bool ok, const std::string& what);
  int passed() const { return passed_; }
  int failed() const { return failed_; }
  void PrintSummary() const;

 private:
  std::vector<std::string> current_failures_;
  int passed_ = 0;
  int failed_ = 0;
};

// Compares consumed records with produced ones: offsets first_offset.., keys,
// values, headers in order, and (if check_ts) CreateTime timestamps as produced.
void ExpectSameRecords(Checker& c, const std::vector<TestRecord>& expected,
                       const std::vector<Consumed>& got, int64_t first_offset,
                       bool check_ts = true);

// An admin call returned "" (success); otherwise the failure names its error.
inline void ExpectOk(Checker& c, const std::string& admin_result, const std::string& what) {
  c.Expect(admin_result.empty(), what + ": " + admin_result);
}

// All deliveries succeeded; for acks != 0 the offsets are first_offset.. in order.
void ExpectAcked(Checker& c, const std::vector<Delivery>& d, size_t n, int64_t first_offset,
                 const std::string& acks, const std::string& produce_error);

}  // namespace gregor::it
