#include "cli/consume_start.h"

#include "cli/metadata.h"

namespace gregor::cli {
namespace {

int64_t simple_start(const OffsetSpec& spec) {
  switch (spec.kind) {
    case OffsetSpec::Kind::kStart:
      return RD_KAFKA_OFFSET_BEGINNING;
    case OffsetSpec::Kind::kEnd:
      return RD_KAFKA_OFFSET_END;
    case OffsetSpec::Kind::kExact:
      return spec.value;
    case OffsetSpec::Kind::kBeforeEnd:
      return RD_KAFKA_OFFSET_TAIL(spec.value);
    default:
      return RD_KAFKA_OFFSET_INVALID;
  }
}

// Replaces every partition's timestamp with the first offset at or after it
// (the end of the partition when no record is that recent).
void offsets_for_times(Client& consumer, rd_kafka_topic_partition_list_t* list) {
  consumer.check(rd_kafka_offsets_for_times(consumer.get(), list, consumer.options().timeout_ms()),
                 "look up offsets by timestamp");
  for (int i = 0; i < list->cnt; ++i) {
    auto& p = list->elems[i];
    consumer.check(p.err, "offset by timestamp of " + std::string(p.topic) + "/" +
                              std::to_string(p.partition));
    if (p.offset < 0) p.offset = RD_KAFKA_OFFSET_END;
  }
}

}  // namespace

PartitionListPtr resolve_start_offsets(Client& consumer,
                                       const std::vector<TopicPartitions>& targets,
                                       const OffsetSpec& spec) {
  PartitionListPtr list = new_partition_list(8);
  for (const auto& t : targets) {
    for (int p : t.partitions) {
      int64_t offset = simple_start(spec);
      if (spec.kind == OffsetSpec::Kind::kAfterStart) {
        offset = query_watermarks(consumer, t.topic, p).low + spec.value;
      } else if (spec.kind == OffsetSpec::Kind::kTimestamp) {
        offset = spec.value;
      }
      rd_kafka_topic_partition_list_add(list.get(), t.topic.c_str(), p)->offset = offset;
    }
  }
  if (spec.kind == OffsetSpec::Kind::kTimestamp) offsets_for_times(consumer, list.get());
  return list;
}

}  // namespace gregor::cli
