// Strong types for the identifiers Kafka passes around, so that an offset cannot
// be passed where an epoch is expected.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace gregor {

template <typename T, typename Tag>
class NamedType {
 public:
  using value_type = T;
  constexpr NamedType() = default;
  constexpr explicit NamedType(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const NamedType&) const = default;

 private:
  T v_{};
};

using Offset = NamedType<int64_t, struct OffsetTag>;
using LeaderEpoch = NamedType<int32_t, struct LeaderEpochTag>;
using PartitionId = NamedType<int32_t, struct PartitionIdTag>;
using ProducerId = NamedType<int64_t, struct ProducerIdTag>;
using ProducerEpoch = NamedType<int16_t, struct ProducerEpochTag>;
using BrokerId = NamedType<int32_t, struct BrokerIdTag>;

// Kafka's 128-bit UUID (topic ids). All-zero means "no id".
struct Uuid {
  std::array<uint8_t, 16> bytes{};
  bool is_zero() const {
    for (auto b : bytes)
      if (b != 0) return false;
    return true;
  }
  auto operator<=>(const Uuid&) const = default;
  // Kafka prints UUIDs as URL-safe base64 without padding (22 chars).
  std::string to_base64() const;
  static bool from_base64(std::string_view text, Uuid& out);
  // A random version-4 UUID that is never all-zero.
  static Uuid random();
};

}  // namespace gregor

template <typename T, typename Tag>
struct std::hash<gregor::NamedType<T, Tag>> {
  size_t operator()(const gregor::NamedType<T, Tag>& v) const noexcept {
    return std::hash<T>{}(v.value());
  }
};
template <>
struct std::hash<gregor::Uuid> {
  size_t operator()(const gregor::Uuid& u) const noexcept {
    size_t h = 1469598103934665603ull;
    for (auto b : u.bytes) h = (h ^ b) * 1099511628211ull;
    return h;
  }
};
