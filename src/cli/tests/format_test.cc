#include <gtest/gtest.h>

#include "cli/api_versions.h"
#include "cli/command_error.h"
#include "cli/configs.h"
#include "cli/record_format.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

RecordView sample() {
  RecordView r;
  r.topic = "demo";
  r.partition = 2;
  r.offset = 41;
  r.timestamp_ms = 1700000000123;
  r.key = "k1";
  r.value = "hello";
  r.headers = {{"a", "1"}, {"b", std::nullopt}};
  return r;
}

std::string render(const std::string& spec, const RecordView& r) {
  std::string out;
  RecordFormat::parse(spec).render(r, out);
  return out;
}

TEST(RecordFormat, Fields) {
  EXPECT_EQ(render("%t/%p@%o %T %k=%v\\n", sample()), "demo/2@41 1700000000123 k1=hello\n");
  EXPECT_EQ(render("%K %S %V|%s|%h", sample()), "2 5 5|hello|a=1,b=");
  EXPECT_EQ(render("100%% \\t\\\\", sample()), "100% \t\\");
}

TEST(RecordFormat, NullKeyAndValue) {
  RecordView r = sample();
  r.key.reset();
  r.value.reset();
  EXPECT_EQ(render("[%k][%v] %K %V", r), "[][] -1 -1");
}

TEST(RecordFormat, RejectsUnknownDirectives) {
  EXPECT_THROW(RecordFormat::parse("%x"), CommandError);
  EXPECT_THROW(RecordFormat::parse("abc%"), CommandError);
  EXPECT_THROW(RecordFormat::parse("abc\\"), CommandError);
}

TEST(RecordFormat, Json) {
  auto j = record_json(sample());
  EXPECT_EQ(j["topic"], "demo");
  EXPECT_EQ(j["partition"], 2);
  EXPECT_EQ(j["offset"], 41);
  EXPECT_EQ(j["key"], "k1");
  EXPECT_EQ(j["value"], "hello");
  EXPECT_EQ(j["headers"][1]["key"], "b");
  EXPECT_TRUE(j["headers"][1]["value"].is_null());
  RecordView r = sample();
  r.key.reset();
  EXPECT_TRUE(record_json(r)["key"].is_null());
}

TEST(Table, AlignsColumnsUnderUpperCaseHeaders) {
  Table t({"name", "partitions"});
  t.add_row({"orders", "3"});
  t.add_row({"a", "12"});
  EXPECT_EQ(t.render(),
            "NAME    PARTITIONS\n"
            "orders  3\n"
            "a       12\n");
}

TEST(Table, JoinInts) {
  EXPECT_EQ(join_ints({1, 2, 3}), "1,2,3");
  EXPECT_EQ(join_ints({}), "");
}

TEST(ApiVersions, ParsesLibrdkafkaLogLines) {
  std::vector<std::string> lines = {
      "[thrd:h:1/bootstrap]: h:1/bootstrap: Broker API support:",
      "[thrd:h:1/bootstrap]: h:1/bootstrap:   ApiKey Fetch (1) Versions 4..17",
      "[thrd:h:1/bootstrap]: h:1/bootstrap:   ApiKey Produce (0) Versions 0..11",
      "[thrd:h:1/bootstrap]: h:1/bootstrap:   ApiKey Unknown-60? (60) Versions 0..1",
      "[thrd:h:1/1]: h:1/1:   ApiKey Produce (0) Versions 3..9",
  };
  auto apis = parse_api_version_lines(lines);
  ASSERT_EQ(apis.size(), 3u);
  EXPECT_EQ(apis[0].key, 0);
  EXPECT_EQ(apis[0].name, "Produce");
  EXPECT_EQ(apis[0].max_version, 11);  // the first broker's answer
  EXPECT_EQ(apis[1].min_version, 4);
  EXPECT_EQ(apis[2].name, "DescribeCluster");
}

TEST(Configs, MergeKeepsOtherDynamicEntries) {
  std::vector<ConfigEntry> current = {
      {"retention.ms", "1000", true, "DYNAMIC_TOPIC_CONFIG"},
      {"segment.bytes", "1024", true, "DYNAMIC_TOPIC_CONFIG"},
      {"cleanup.policy", "delete", true, "DEFAULT_CONFIG"},
  };
  auto merged = merge_dynamic_configs(current, "DYNAMIC_TOPIC_CONFIG", {{"flush.messages", "5"}},
                                      {"segment.bytes"});
  Properties expected = {{"flush.messages", "5"}, {"retention.ms", "1000"}};
  EXPECT_EQ(merged, expected);
}

}  // namespace
}  // namespace gregor::cli
