// The transaction coordinator's settings, taken from the broker configuration
// (Kafka's names in the comments).
#pragma once

#include <cstdint>

namespace gregor::coordinator::txn {

struct TxnConfig {
  int32_t num_partitions = 50;           // transaction.state.log.num.partitions
  int32_t max_timeout_ms = 900000;       // transaction.max.timeout.ms
  int64_t id_expiration_ms = 604800000;  // transactional.id.expiration.ms
  int64_t abort_check_interval_ms =
      10000;  // transaction.abort.timed.out.transaction.cleanup.interval.ms
  int64_t id_removal_interval_ms =
      3600000;  // transaction.remove.expired.transaction.cleanup.interval.ms
  // Wait before writing the markers (or the Complete* record) of a transaction
  // again after a failure (Kafka retries at its inter-broker send loop pace).
  int64_t marker_retry_backoff_ms = 100;  // retry.backoff.ms
};

}  // namespace gregor::coordinator::txn
