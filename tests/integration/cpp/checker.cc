#include "checker.h"

#include <chrono>
#include <cstdio>

namespace gregor::it {

void Checker::Run(const std::string& name, const std::function<void(Checker&)>& body) {
  current_failures_.clear();
  const auto t0 = std::chrono::steady_clock::now();
  body(*this);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (current_failures_.empty()) {
    ++passed_;
    std::printf("[PASS] %s (%lld ms)\n", name.c_str(), static_cast<long long>(ms));
  } else {
    ++failed_;
    std::printf("[FAIL] %s (%lld ms)\n", name.c_str(), static_cast<long long>(ms));
    for (const std::string& f : current_failures_) std::printf("       - %s\n", f.c_str());
  }
  std::fflush(stdout);
}

bool Checker::Expect(bool ok, const std::string& what) {
  if (!ok && current_failures_.size() < 20) current_failures_.push_back(what);
  return ok;
}

void Checker::PrintSummary() const {
  std::printf("rdkafka_client_test: %d passed, %d failed\n", passed_, failed_);
}

namespace {

std::string Show(const std::vector<Header>& hs) {
  std::string s = "[";
  for (const Header& h : hs) s += h.name + "=" + h.value + ",";
  return s + "]";
}

}  // namespace

void ExpectSameRecords(Checker& c, const std::vector<TestRecord>& expected,
                       const std::vector<Consumed>& got, int64_t first_offset, bool check_ts) {
  if (!c.Expect(got.size() == expected.size(), "consumed " + std::to_string(got.size()) +
                                                   " records, expected " +
                                                   std::to_string(expected.size()))) {
    return;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const TestRecord& e = expected[i];
    const Consumed& g = got[i];
    const std::string at = "offset " + std::to_string(g.offset) + ": ";
    const int64_t want_offset = first_offset + static_cast<int64_t>(i);
    bool ok =
        c.Expect(g.offset == want_offset, at + "expected offset " + std::to_string(want_offset));
    ok = c.Expect(g.key == e.key, at + "key '" + g.key + "', expected '" + e.key + "'") && ok;
    ok = c.Expect(g.value == e.value, at + "value differs (" + std::to_string(g.value.size()) +
                                          " bytes, expected " + std::to_string(e.value.size()) +
                                          ")") &&
         ok;
    ok = c.Expect(g.headers == e.headers,
                  at + "headers " + Show(g.headers) + ", expected " + Show(e.headers)) &&
         ok;
    if (check_ts) {
      ok = c.Expect(g.ts_type == TsType::kCreate, at + "timestamp type is not CreateTime") && ok;
      ok = c.Expect(g.timestamp_ms == e.timestamp_ms,
                    at + "timestamp " + std::to_string(g.timestamp_ms) + ", expected " +
                        std::to_string(e.timestamp_ms)) &&
           ok;
    }
    if (!ok) return;  // one bad record is enough detail
  }
}

void ExpectAcked(Checker& c, const std::vector<Delivery>& d, size_t n, int64_t first_offset,
                 const std::string& acks, const std::string& produce_error) {
  if (!c.Expect(produce_error.empty(), "produce failed: " + produce_error)) return;
  if (!c.Expect(d.size() == n,
                "got " + std::to_string(d.size()) + " delivery reports for " + std::to_string(n))) {
    return;
  }
  for (size_t i = 0; i < d.size(); ++i) {
    if (!c.Expect(d[i].error.empty(),
                  "record #" + std::to_string(i) + " not delivered: " + d[i].error))
      return;
    const int64_t want = first_offset + static_cast<int64_t>(i);
    if (acks != "0" &&
        !c.Expect(d[i].offset == want, "record #" + std::to_string(i) + " acked at offset " +
                                           std::to_string(d[i].offset) + ", expected " +
                                           std::to_string(want))) {
      return;
    }
  }
}

}  // namespace gregor::it
