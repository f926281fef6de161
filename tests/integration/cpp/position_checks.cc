// Start positions (beginning, offset, tail, timestamp), watermarks, and a
// consumer parked at the end that must receive a record produced after it.
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "suites.h"

namespace gregor::it {
namespace {

void Positions(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("pos");
  const auto recs = MakeRecords(20, "pos", NowMs() - 100000);
  std::string err;
  ExpectAcked(c, Produce(bs, t, 0, recs, "zstd", "all", &err), recs.size(), 0, "all", err);
  auto sub = [&](size_t from) {
    return std::vector<TestRecord>(recs.begin() + static_cast<long>(from), recs.end());
  };

  err.clear();
  ExpectSameRecords(c, sub(6), Consume(bs, t, 0, 6, 14, 20000, &err), 6);
  ExpectSameRecords(c, sub(17), Consume(bs, t, 0, RdKafka::Consumer::OffsetTail(3), 3, 20000, &err),
                    17);
  c.Expect(err.empty(), err);

  auto wm = Watermarks(bs, t, 0, &err);
  c.Expect(
      wm.has_value() && *wm == std::make_pair<int64_t, int64_t>(0, 20),
      "watermarks " + (wm ? std::to_string(wm->first) + "/" + std::to_string(wm->second) : err));

  struct Query {
    int64_t ts;
    int64_t want;
  };
  const Query queries[] = {{recs[9].timestamp_ms, 9},
                           {recs[9].timestamp_ms + 1, 10},
                           {recs[0].timestamp_ms - 5000, 0},
                           {recs[19].timestamp_ms + 5000, -1}};
  for (const Query& q : queries) {
    err.clear();
    auto off = OffsetForTime(bs, t, 0, q.ts, &err);
    c.Expect(off == q.want, "offsetsForTimes(" + std::to_string(q.ts) +
                                ") = " + (off ? std::to_string(*off) : err) + ", expected " +
                                std::to_string(q.want));
  }
  auto off = OffsetForTime(bs, t, 0, recs[9].timestamp_ms, &err);
  if (off) ExpectSameRecords(c, sub(9), Consume(bs, t, 0, *off, 11, 20000, &err), 9);
}

void TailWaiter(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("tail");
  std::string err;
  ExpectAcked(c, Produce(bs, t, 0, MakeRecords(4, "old", NowMs()), "none", "all", &err), 4, 0,
              "all", err);
  const auto late = MakeRecords(1, "late", NowMs());
  std::chrono::steady_clock::time_point acked;
  std::string produce_err;
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto d = Produce(bs, t, 0, late, "none", "all", &produce_err);
    acked = std::chrono::steady_clock::now();
  });
  err.clear();
  auto got = Consume(bs, t, 0, RdKafka::Topic::OFFSET_END, 1, 20000, &err);
  const auto received = std::chrono::steady_clock::now();
  producer.join();
  c.Expect(produce_err.empty(), produce_err);
  c.Expect(err.empty(), "consumer at the end: " + err);
  ExpectSameRecords(c, late, got, 4);
  std::printf("[timing] consumer parked at the end received the record %lld ms after its ack\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(received - acked).count()));
}

}  // namespace

void RunPositionChecks(Checker& c, const std::string& bs) {
  c.Run("positions, offsetsForTimes, watermarks", [&](Checker& k) { Positions(k, bs); });
  c.Run("consumer at the end receives a new record", [&](Checker& k) { TailWaiter(k, bs); });
}

}  // namespace gregor::it
