#include "metadata/metadata_record.h"

#include <gtest/gtest.h>

#include "metadata/snapshot.h"

namespace gregor::metadata {
namespace {

MetadataRecord create(uint64_t seq, const std::string& name, int32_t partitions = 2) {
  MetadataRecord r;
  r.type = RecordType::kCreateTopic;
  r.sequence = seq;
  r.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(seq);
  r.topic = {
      name, Uuid::random(), partitions, {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}}};
  return r;
}

std::vector<uint8_t> concat(const std::vector<MetadataRecord>& records) {
  std::vector<uint8_t> out;
  for (const auto& r : records) {
    auto f = encode_frame(r);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

TEST(MetadataRecord, RoundTripsEveryType) {
  std::vector<MetadataRecord> records;
  MetadataRecord init;
  init.type = RecordType::kInit;
  init.sequence = 1;
  init.cluster_id = "abcdefghijklmnopqrstuv";
  records.push_back(init);
  records.push_back(create(2, "orders"));
  MetadataRecord del;
  del.type = RecordType::kDeleteTopic;
  del.sequence = 3;
  del.topic.id = Uuid::random();
  records.push_back(del);
  MetadataRecord parts;
  parts.type = RecordType::kSetPartitions;
  parts.sequence = 4;
  parts.topic.id = Uuid::random();
  parts.topic.partitions = 12;
  records.push_back(parts);
  MetadataRecord cfg;
  cfg.type = RecordType::kSetTopicConfigs;
  cfg.sequence = 5;
  cfg.topic.id = Uuid::random();
  cfg.topic.configs = {{"a", ""}, {"b", std::string(1000, 'x')}};
  records.push_back(cfg);
  MetadataRecord header;
  header.type = RecordType::kSnapshotHeader;
  header.sequence = 6;
  header.cluster_id = "id";
  header.topic_count = 9;
  records.push_back(header);
  MetadataRecord pids;
  pids.type = RecordType::kAllocateProducerIds;
  pids.sequence = 7;
  pids.next_producer_id = (int64_t{1} << 40) + 1000;
  records.push_back(pids);

  for (const auto& r : records) {
    auto frame = encode_frame(r);
    FrameRead f = read_frame(frame);
    ASSERT_EQ(f.status, FrameRead::Status::kOk);
    EXPECT_EQ(f.size, frame.size());
    EXPECT_EQ(f.record.type, r.type);
    EXPECT_EQ(f.record.sequence, r.sequence);
    EXPECT_EQ(f.record.timestamp_ms, r.timestamp_ms);
    EXPECT_EQ(f.record.cluster_id, r.cluster_id);
    EXPECT_EQ(f.record.topic_count, r.topic_count);
    EXPECT_EQ(f.record.topic, r.topic);
    EXPECT_EQ(f.record.next_producer_id, r.next_producer_id);
  }
  auto scan = scan_log(concat(records));
  ASSERT_TRUE(scan.ok()) << scan.error();
  EXPECT_EQ(scan->records.size(), records.size());
  EXPECT_FALSE(scan->torn);
}

TEST(MetadataRecord, TornTailAtEveryBytePositionIsCut) {
  std::vector<MetadataRecord> records = {create(1, "a"), create(2, "b"), create(3, "c")};
  auto bytes = concat(records);
  size_t last_start = bytes.size() - encode_frame(records[2]).size();
  for (size_t cut = last_start; cut < bytes.size(); ++cut) {
    auto scan = scan_log(std::span(bytes.data(), cut));
    ASSERT_TRUE(scan.ok()) << "cut at " << cut << ": " << scan.error();
    EXPECT_EQ(scan->records.size(), 2u) << cut;
    EXPECT_EQ(scan->valid_bytes, last_start) << cut;
    EXPECT_EQ(scan->torn, cut != last_start) << cut;
  }
}

TEST(MetadataRecord, DamagedLastRecordIsATornTail) {
  std::vector<MetadataRecord> records = {create(1, "a"), create(2, "b")};
  auto bytes = concat(records);
  size_t last_start = bytes.size() - encode_frame(records[1]).size();
  for (size_t pos = last_start; pos < bytes.size(); ++pos) {
    auto damaged = bytes;
    damaged[pos] ^= 0x40;
    auto scan = scan_log(damaged);
    ASSERT_TRUE(scan.ok()) << pos << ": " << scan.error();
    EXPECT_EQ(scan->records.size(), 1u);
    EXPECT_TRUE(scan->torn);
  }
  // Zeros after the last record (file size extended, data never written).
  auto zeros = bytes;
  zeros.resize(bytes.size() + 4096, 0);
  auto scan = scan_log(zeros);
  ASSERT_TRUE(scan.ok()) << scan.error();
  EXPECT_EQ(scan->records.size(), 2u);
  EXPECT_EQ(scan->valid_bytes, bytes.size());
  EXPECT_TRUE(scan->torn);
}

TEST(MetadataRecord, DamageBeforeValidRecordsIsAnError) {
  std::vector<MetadataRecord> records = {create(1, "a"), create(2, "b"), create(3, "c")};
  auto bytes = concat(records);
  size_t second = encode_frame(records[0]).size();
  for (size_t pos : {size_t{0}, size_t{5}, size_t{9}, second + 30}) {
    auto damaged = bytes;
    damaged[pos] ^= 0x01;
    auto scan = scan_log(damaged);
    ASSERT_FALSE(scan.ok()) << pos;
    EXPECT_NE(scan.error().find("followed by a valid record"), std::string::npos) << scan.error();
  }
}

TEST(MetadataRecord, UndecodableAndOutOfOrderRecordsAreErrors) {
  MetadataRecord bad = create(1, "a");
  bad.type = static_cast<RecordType>(99);
  // A well-formed frame (valid CRC) of a type this version does not know.
  auto unknown = encode_frame(bad);
  FrameRead f = read_frame(unknown);
  EXPECT_EQ(f.status, FrameRead::Status::kUndecodable);
  auto scan = scan_log(unknown);
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.error().find("newer version"), std::string::npos);

  auto out_of_order = concat({create(5, "a"), create(5, "b")});
  scan = scan_log(out_of_order);
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.error().find("sequence"), std::string::npos);
}

TEST(Snapshot, RoundTripAndDamage) {
  MetadataState state;
  state.cluster_id = "cluster-1";
  for (int i = 0; i < 5; ++i) {
    MetadataRecord r = create(static_cast<uint64_t>(i + 1), "t" + std::to_string(i), i + 1);
    ASSERT_EQ(check(state, r), std::nullopt);
    apply(state, r);
  }
  auto bytes = encode_snapshot(state, 42);
  auto decoded = decode_snapshot(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->cluster_id, "cluster-1");
  EXPECT_EQ(decoded->last_sequence, 5u);
  EXPECT_EQ(decoded->sorted_topics(), state.sorted_topics());

  for (size_t pos = 0; pos < bytes.size(); pos += 7) {
    auto damaged = bytes;
    damaged[pos] ^= 0x10;
    EXPECT_FALSE(decode_snapshot(damaged).ok()) << pos;
  }
  EXPECT_FALSE(decode_snapshot(std::span(bytes.data(), bytes.size() - 1)).ok());
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_snapshot(longer).ok());
  EXPECT_FALSE(decode_snapshot({}).ok());
}

}  // namespace
}  // namespace gregor::metadata
