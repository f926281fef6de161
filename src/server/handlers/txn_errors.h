// Error codes of the transaction APIs as each request version knows them.
#pragma once

#include <cstdint>

#include "base/error_code.h"

namespace gregor::server {

// KIP-588: versions before `first_fenced_version` do not know PRODUCER_FENCED
// and get INVALID_PRODUCER_EPOCH instead, as Kafka answers them.
constexpr ErrorCode fenced_for_version(ErrorCode e, int16_t version, int16_t first_fenced_version) {
  return e == ErrorCode::kProducerFenced && version < first_fenced_version
             ? ErrorCode::kInvalidProducerEpoch
             : e;
}

}  // namespace gregor::server
