// The two halves of a restart test; the broker restart happens between them.
#include <librdkafka/rdkafkacpp.h>

#include "suites.h"

namespace gregor::it {
namespace {

constexpr int kRecords = 50;

std::vector<TestRecord> DataSet(const std::string& prefix, int64_t base_ts_ms, int32_t partition) {
  return MakeRecords(kRecords, prefix + "-p" + std::to_string(partition), base_ts_ms);
}

}  // namespace

void RunRestartProduce(Checker& c, const std::string& bs, const std::string& prefix,
                       int64_t base_ts_ms) {
  c.Run("restart/produce", [&](Checker& k) {
    ExpectOk(k, CreateTopic(bs, prefix, 2, 1, {{"retention.ms", "604800000"}}, false),
             "create " + prefix);
    const std::string lat = prefix + "-lat";
    ExpectOk(k, CreateTopic(bs, lat, 1, 1, {{"message.timestamp.type", "LogAppendTime"}}, false),
             "create " + lat);
    for (int32_t p = 0; p < 2; ++p) {
      std::string err;
      const auto recs = DataSet(prefix, base_ts_ms, p);
      ExpectAcked(k, Produce(bs, prefix, p, recs, p == 0 ? "gzip" : "zstd", "all", &err),
                  recs.size(), 0, "all", err);
    }
  });
}

void RunRestartVerify(Checker& c, const std::string& bs, const std::string& prefix,
                      int64_t base_ts_ms) {
  c.Run("restart/verify", [&](Checker& k) {
    k.Expect(PartitionCount(bs, prefix) == 2, "partition count changed across the restart");
    k.Expect(PartitionCount(bs, prefix + "-lat") == 1,
             "LogAppendTime topic missing after the restart");
    for (int32_t p = 0; p < 2; ++p) {
      std::string err;
      const auto recs = DataSet(prefix, base_ts_ms, p);
      auto got = Consume(bs, prefix, p, RdKafka::Topic::OFFSET_BEGINNING, recs.size(), 20000, &err);
      k.Expect(err.empty(), err);
      ExpectSameRecords(k, recs, got, 0);
      err.clear();
      const auto next = MakeRecords(1, "after-restart", NowMs());
      ExpectAcked(k, Produce(bs, prefix, p, next, "none", "all", &err), 1, kRecords, "all", err);
    }
    std::string err;
    const int64_t t0 = NowMs();
    auto d =
        Produce(bs, prefix + "-lat", 0, MakeRecords(1, "lat", 1000000000000), "none", "all", &err);
    ExpectAcked(k, d, 1, 0, "all", err);
    k.Expect(!d.empty() && d[0].ts_type == TsType::kLogAppend && d[0].timestamp_ms >= t0 - 2000,
             "message.timestamp.type=LogAppendTime no longer in force after the restart");
  });
}

}  // namespace gregor::it
