// Automatic recovery of partition logs stopped by a storage failure.
//
// A failed write, allocation or fdatasync (a full disk, an I/O error) stops a
// PartitionLog for good: appends are refused with the error, reads of what was
// written keep working (storage/README.md, "Failures"). Only a reopen, whose
// recovery scan establishes what is really on disk, makes it writable again.
// LogRecovery does that without a broker restart: one per shard, on a timer on
// the shard's executor, it looks for stopped logs and, after a backoff, opens
// the partition directory again. If the open succeeds, the new log takes the
// old one's place in ShardPartitions and the old one is closed; if it fails
// (the disk is still full), the stopped log stays in place serving reads and
// the next attempt waits twice as long, up to `max_backoff`. A log that stops
// again soon after a reopen keeps its backoff growing too.
//
// What a reopen keeps: every batch whose when_written/when_durable callback
// reported success (recovery never truncates below it; the old log's durable
// end is passed as the recovery point, so a loss would be logged as an error).
// Appended batches whose callbacks failed may survive (if their bytes reached
// the file intact) or be dropped by the recovery scan, as after a crash.
//
// Waiters on the old log never dangle: the failure already completed its
// when_* callbacks with the error and woke its high-watermark listeners (long
// polls then read again from the new log); listener ids are unique across
// logs, so removing an old id from the new log is harmless.
//
// Blocking: PartitionLog::open() runs on the shard thread. Closing a stopped
// log does no I/O beyond closing descriptors, but opening scans the unsealed
// active segment (up to segment.bytes) and fdatasyncs it; the shard's loop
// stalls that long. Acceptable for a rare event; the backoff bounds how often.
//
// Thread contract: constructed anywhere; start(), stop() and check() run on
// the shard's thread.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "base/result.h"
#include "server/shard_partitions.h"

namespace gregor::server {

class Broker;

struct LogRecoveryOptions {
  // How often the shard's logs are looked at.
  std::chrono::milliseconds check_interval{1000};
  // Wait between noticing a stopped log and the first reopen; doubles after
  // each failed reopen, and after each failure soon after a reopen.
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  // A reopened log that runs this long without failing starts afresh at
  // `initial_backoff` the next time.
  std::chrono::milliseconds stable_after{60000};
};

// Opens the directory of a stopped log again (PartitionLog::open with its
// dir, topic, partition, config and the shard's I/O worker).
using LogReopener =
    std::function<Result<std::unique_ptr<storage::PartitionLog>, storage::StorageError>(
        const storage::PartitionLog& stopped)>;

class LogRecovery {
 public:
  using Clock = std::chrono::steady_clock;

  LogRecovery(asio::any_io_executor executor, ShardPartitions& logs, LogReopener reopen,
              LogRecoveryOptions options = {});
  LogRecovery(const LogRecovery&) = delete;
  LogRecovery& operator=(const LogRecovery&) = delete;

  // Arms the timer; every tick runs check(now).
  void start();
  void stop();

  // One pass over the shard's logs: notices newly stopped ones and reopens
  // those whose backoff has passed.
  void check(Clock::time_point now);

  // Stopped logs waiting for a (successful) reopen.
  size_t waiting() const;
  // Successful reopens so far.
  uint64_t recovered() const { return recovered_; }
  // The current wait before the next reopen of a log (zero if unknown).
  std::chrono::milliseconds backoff_of(const PartitionKey& key) const;

 private:
  struct State {
    bool waiting = false;  // stopped and not reopened yet
    std::chrono::milliseconds backoff{0};
    Clock::time_point next_attempt;
    Clock::time_point reopened_at;  // last successful reopen
    bool ever_reopened = false;
    int failed_attempts = 0;
  };

  void arm();
  void notice(const storage::PartitionLog& log, State& state, Clock::time_point now);
  void attempt(const PartitionKey& key, State& state, Clock::time_point now);
  void forget_settled(Clock::time_point now);
  std::chrono::milliseconds grown(std::chrono::milliseconds backoff) const;

  asio::steady_timer timer_;
  ShardPartitions& logs_;
  LogReopener reopen_;
  const LogRecoveryOptions options_;
  std::unordered_map<PartitionKey, State, PartitionKeyHash> states_;
  uint64_t recovered_ = 0;
  bool stopped_ = false;
};

// The broker's recovery task for `shard`: reopens with the shard's I/O worker
// and poster.
std::unique_ptr<LogRecovery> make_log_recovery(Broker& broker, unsigned shard);

}  // namespace gregor::server
