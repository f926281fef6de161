// Kafka's rules for topic names (org.apache.kafka.common.internals.Topic):
// 1 to 249 characters from [a-zA-Z0-9._-], and neither "." nor "..". 249
// leaves room for the "-<partition>" suffix and a ".deleted" style suffix in a
// 255-byte file name.
//
// Names that differ only in '.' versus '_' collide, because metric names
// replace '.' with '_': Kafka refuses to create a topic whose name collides
// with an existing one.
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gregor::metadata {

inline constexpr size_t kMaxTopicNameLength = 249;

// nullopt if valid, else Kafka's message for the violated rule.
std::optional<std::string> validate_topic_name(std::string_view name);

// True if the names are equal once every '.' is read as '_' (identical names collide too).
bool collides(std::string_view a, std::string_view b);

// The name with every '.' replaced by '_': two names collide iff their keys are equal.
std::string collision_key(std::string_view name);

// Kafka's internal topics (__consumer_offsets, __transaction_state): flagged
// is_internal in Metadata and written only by the broker's coordinators.
bool is_internal_topic(std::string_view name);

}  // namespace gregor::metadata
