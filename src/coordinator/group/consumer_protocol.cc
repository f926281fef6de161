#include "coordinator/group/consumer_protocol.h"

#include "base/byte_reader.h"

namespace gregor::coordinator::group {

std::optional<std::set<std::string>> subscribed_topics(std::span<const uint8_t> metadata) {
  ByteReader r(metadata);
  const int16_t version = r.i16();
  const int32_t count = r.i32();
  if (!r.ok() || version < 0 || count < 0 || static_cast<size_t>(count) > metadata.size())
    return std::nullopt;
  std::set<std::string> topics;
  for (int32_t i = 0; i < count; ++i) {
    const int16_t len = r.i16();
    if (!r.ok() || len < 0) return std::nullopt;
    auto bytes = r.bytes(static_cast<size_t>(len));
    if (!r.ok()) return std::nullopt;
    topics.emplace(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return topics;
}

std::optional<std::set<std::string>> group_subscribed_topics(const Group& g) {
  if (!g.protocol_type || *g.protocol_type != "consumer" || !g.protocol_name) return std::nullopt;
  std::set<std::string> all;
  for (const auto& [id, m] : g.members) {
    const MemberProtocol* p = m.find_protocol(*g.protocol_name);
    if (p == nullptr) return std::nullopt;
    auto topics = subscribed_topics(p->metadata);
    if (!topics) return std::nullopt;
    all.insert(topics->begin(), topics->end());
  }
  return all;
}

}  // namespace gregor::coordinator::group
