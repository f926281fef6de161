// Topic admin with librdkafka's admin API: create (partitions, configs,
// validate_only), list via Metadata, delete, Kafka's errors, CreatePartitions and
// auto-creation on produce.
#include <chrono>
#include <optional>
#include <thread>

#include "suites.h"

namespace gregor::it {
namespace {

bool WaitPartitions(const std::string& bs, const std::string& topic, std::optional<int> want) {
  for (int i = 0; i < 50; ++i) {
    if (PartitionCount(bs, topic) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

void CreateListDelete(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("admin");
  ExpectOk(c, CreateTopic(bs, t, 3, 1, {{"retention.ms", "3600000"}}, false),
           "create 3 partitions");
  c.Expect(PartitionCount(bs, t) == 3, "metadata lists the topic with 3 partitions");
  ExpectOk(c, DeleteTopic(bs, t), "delete");
  c.Expect(WaitPartitions(bs, t, std::nullopt), "deleted topic still in metadata after 10 s");
  const std::string e = DeleteTopic(bs, t);
  c.Expect(e == "UNKNOWN_TOPIC_OR_PART",
           "delete again: '" + e + "', expected UNKNOWN_TOPIC_OR_PART");
}

void ValidateOnlyAndDuplicates(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("admin-dup");
  ExpectOk(c, CreateTopic(bs, t, 2, 1, {}, true), "validate_only create");
  c.Expect(!PartitionCount(bs, t).has_value(), "validate_only created the topic");
  ExpectOk(c, CreateTopic(bs, t, 2, 1, {}, false), "create");
  std::string e = CreateTopic(bs, t, 2, 1, {}, false);
  c.Expect(e == "TOPIC_ALREADY_EXISTS", "duplicate: '" + e + "'");
  e = CreateTopic(bs, t, 2, 1, {}, true);
  c.Expect(e == "TOPIC_ALREADY_EXISTS", "duplicate validate_only: '" + e + "'");
}

void InvalidRequests(Checker& c, const std::string& bs) {
  const std::string bad_names[] = {"..", "bad name", "semi;colon", std::string(250, 'x')};
  for (const std::string& bad : bad_names) {
    const std::string e = CreateTopic(bs, bad, 1, 1, {}, false);
    c.Expect(e == "TOPIC_EXCEPTION",
             "name '" + bad.substr(0, 20) + "': '" + e + "', expected TOPIC_EXCEPTION");
  }
  std::string e = CreateTopic(bs, UniqueTopic("rf"), 1, 3, {}, false);
  c.Expect(e == "INVALID_REPLICATION_FACTOR", "replication 3 on one broker: '" + e + "'");
  e = CreateTopic(bs, UniqueTopic("cfg"), 1, 1, {{"cleanup.policy", "sometimes"}}, false);
  c.Expect(e == "INVALID_CONFIG", "bad cleanup.policy: '" + e + "'");
  e = CreateTopic(bs, UniqueTopic("cfg"), 1, 1, {{"no.such.setting", "1"}}, false);
  c.Expect(e == "INVALID_CONFIG", "unknown config: '" + e + "'");
}

void AddPartitions(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("admin-parts");
  ExpectOk(c, CreateTopic(bs, t, 1, 1, {}, false), "create");
  ExpectOk(c, CreatePartitions(bs, t, 3, true), "validate_only CreatePartitions");
  c.Expect(PartitionCount(bs, t) == 1, "validate_only added partitions");
  ExpectOk(c, CreatePartitions(bs, t, 3, false), "CreatePartitions to 3");
  c.Expect(WaitPartitions(bs, t, 3), "metadata never showed 3 partitions");
  std::string e = CreatePartitions(bs, t, 2, false);
  c.Expect(e == "INVALID_PARTITIONS", "shrink to 2: '" + e + "'");
  e = CreatePartitions(bs, UniqueTopic("missing"), 2, false);
  c.Expect(e == "UNKNOWN_TOPIC_OR_PART", "unknown topic: '" + e + "'");
  std::string err;
  auto recs = MakeRecords(3, "p2", NowMs());
  ExpectAcked(c, Produce(bs, t, 2, recs, "none", "all", &err), recs.size(), 0, "all", err);
}

void AutoCreate(Checker& c, const std::string& bs) {
  const std::string t = UniqueTopic("auto");
  std::string err;
  auto recs = MakeRecords(2, "auto", NowMs());
  ExpectAcked(c, Produce(bs, t, 0, recs, "none", "all", &err), recs.size(), 0, "all", err);
  c.Expect(PartitionCount(bs, t).value_or(0) >= 1, "auto-created topic missing from metadata");
}

}  // namespace

void RunAdminChecks(Checker& c, const std::string& bs) {
  c.Run("admin: create, list, delete", [&](Checker& k) { CreateListDelete(k, bs); });
  c.Run("admin: validate_only and duplicates",
        [&](Checker& k) { ValidateOnlyAndDuplicates(k, bs); });
  c.Run("admin: invalid names, replication, configs", [&](Checker& k) { InvalidRequests(k, bs); });
  c.Run("admin: create partitions", [&](Checker& k) { AddPartitions(k, bs); });
  c.Run("admin: auto-creation on produce", [&](Checker& k) { AutoCreate(k, bs); });
}

}  // namespace gregor::it
