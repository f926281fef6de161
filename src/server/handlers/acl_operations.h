// Authorized-operation bit sets reported in Metadata and DescribeCluster. With
// no authorizer configured every operation a resource type supports is allowed,
// which is what Kafka reports in that case. Bit n = AclOperation code n.
#pragma once

#include <cstdint>

namespace gregor::server {

inline constexpr int32_t acl_bit(int code) {
  return int32_t{1} << code;
}

// READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
inline constexpr int32_t kTopicOperations = acl_bit(3) | acl_bit(4) | acl_bit(5) | acl_bit(6) |
                                            acl_bit(7) | acl_bit(8) | acl_bit(10) | acl_bit(11);
// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS,
// IDEMPOTENT_WRITE, CREATE_TOKENS, DESCRIBE_TOKENS.
inline constexpr int32_t kClusterOperations = acl_bit(5) | acl_bit(7) | acl_bit(8) | acl_bit(9) |
                                              acl_bit(10) | acl_bit(11) | acl_bit(12) |
                                              acl_bit(13) | acl_bit(14);
// Kafka's "not requested" value.
inline constexpr int32_t kOperationsNotRequested = INT32_MIN;

}  // namespace gregor::server
