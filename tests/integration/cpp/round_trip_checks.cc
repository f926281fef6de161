// Produce keyed records with headers in every codec with acks 0, 1 and all, then
// read them back exactly; LogAppendTime topics get broker timestamps.
#include <librdkafka/rdkafkacpp.h>

#include "suites.h"

namespace gregor::it {
namespace {

void CodecAcks(Checker& c, const std::string& bs, const std::string& codec,
               const std::string& acks) {
  const std::string t = UniqueTopic(codec + "-acks" + acks);
  const auto recs = MakeRecords(40, codec + acks, NowMs() - 60000);
  std::string err;
  ExpectAcked(c, Produce(bs, t, 0, recs, codec, acks, &err), recs.size(), 0, acks, err);
  err.clear();
  auto got = Consume(bs, t, 0, RdKafka::Topic::OFFSET_BEGINNING, recs.size(), 20000, &err);
  c.Expect(err.empty(), err);
  ExpectSameRecords(c, recs, got, 0);
}

void LogAppendTime(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("lat");
  ExpectOk(c, CreateTopic(bs, t, 1, 1, {{"message.timestamp.type", "LogAppendTime"}}, false),
           "create");
  const auto recs = MakeRecords(8, "lat", 1000000000000);  // 2001: far from now
  std::string err;
  const int64_t t0 = NowMs();
  auto d = Produce(bs, t, 0, recs, "lz4", "all", &err);
  const int64_t t1 = NowMs();
  ExpectAcked(c, d, recs.size(), 0, "all", err);
  for (const Delivery& x : d) {
    c.Expect(x.ts_type == TsType::kLogAppend && x.timestamp_ms >= t0 - 2000 &&
                 x.timestamp_ms <= t1 + 2000,
             "produce answer timestamp " + std::to_string(x.timestamp_ms) +
                 " is not the broker's append time");
  }
  err.clear();
  auto got = Consume(bs, t, 0, RdKafka::Topic::OFFSET_BEGINNING, recs.size(), 20000, &err);
  c.Expect(err.empty(), err);
  ExpectSameRecords(c, recs, got, 0, /*check_ts=*/false);
  for (const Consumed& g : got) {
    c.Expect(g.ts_type == TsType::kLogAppend,
             "offset " + std::to_string(g.offset) + ": not LogAppendTime");
    c.Expect(g.timestamp_ms >= t0 - 2000 && g.timestamp_ms <= t1 + 2000,
             "offset " + std::to_string(g.offset) + ": timestamp " +
                 std::to_string(g.timestamp_ms) + " outside the produce window");
  }
}

}  // namespace

void RunRoundTripChecks(Checker& c, const std::string& bs) {
  for (const std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    for (const std::string acks : {"0", "1", "all"}) {
      c.Run("round trip codec=" + codec + " acks=" + acks,
            [&](Checker& k) { CodecAcks(k, bs, codec, acks); });
    }
  }
  c.Run("LogAppendTime topic", [&](Checker& k) { LogAppendTime(k, bs); });
}

}  // namespace gregor::it
