// Test support for the transaction coordinator: a log writer and a marker
// writer whose writes complete when the test says so, a producer id source
// counting up, and shorthands for the requests.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "coordinator/txn/txn_coordinator.h"

namespace gregor::coordinator::txn::testing {

class FakeLog final : public TxnLogWriter {
 public:
  struct Write {
    int32_t partition;
    std::vector<TxnLogRecord> records;
    std::function<void(ErrorCode)> done;
  };
  void write(int32_t partition, std::vector<TxnLogRecord> records,
             std::function<void(ErrorCode)> done) override {
    pending.push_back({partition, std::move(records), std::move(done)});
  }
  // Completes every pending write with `e` (successful ones are kept in `log`).
  void flush(ErrorCode e = ErrorCode::kNone) {
    while (!pending.empty()) {
      Write w = std::move(pending.front());
      pending.pop_front();
      if (e == ErrorCode::kNone)
        for (auto& r : w.records) log.push_back({w.partition, r});
      w.done(e);
    }
  }
  // The state of the last durable record (nullopt: tombstone).
  std::optional<TxnLogValue> last_value() const {
    if (log.empty() || !log.back().second.value) return std::nullopt;
    return decode_txn_value(*log.back().second.value).value();
  }
  std::deque<Write> pending;
  std::vector<std::pair<int32_t, TxnLogRecord>> log;
};

class FakeMarkers final : public MarkerWriter {
 public:
  struct Call {
    TxnMarkerRequest request;
    std::function<void(ErrorCode)> done;
  };
  void write_markers(const TxnMarkerRequest& request,
                     std::function<void(ErrorCode)> done) override {
    pending.push_back({request, std::move(done)});
  }
  void complete(ErrorCode e = ErrorCode::kNone) {
    while (!pending.empty()) {
      Call c = std::move(pending.front());
      pending.pop_front();
      c.done(e);
    }
  }
  std::deque<Call> pending;
};

class FakePids final : public ProducerIdSource {
 public:
  void next(std::function<void(Result<int64_t, ErrorCode>)> done) override {
    if (fail) {
      done(Err(ErrorCode::kCoordinatorNotAvailable));
      return;
    }
    done(next_id++);
  }
  int64_t next_id = 1000;
  bool fail = false;
};

template <typename T>
using Slot = std::shared_ptr<std::optional<T>>;

struct Fixture {
  explicit Fixture(TxnConfig cfg = config())
      : coordinator(cfg, clock, log, markers, pids, nullptr) {
    coordinator.begin_loading(0);
    coordinator.finish_loading(0);
  }
  static TxnConfig config() {
    TxnConfig c;
    c.num_partitions = 1;
    return c;
  }
  void advance(int64_t ms) {
    clock.advance(ms);
    coordinator.tick();
  }
  Slot<InitPidResult> init(const std::string& id, int32_t timeout_ms = 60000,
                           std::optional<ProducerIdAndEpoch> expected = std::nullopt) {
    auto slot = std::make_shared<std::optional<InitPidResult>>();
    coordinator.init_producer_id(id, timeout_ms, expected, [slot](InitPidResult r) { *slot = r; });
    return slot;
  }
  // InitProducerId answered after its write: the producer id and epoch.
  InitPidResult init_ok(const std::string& id, int32_t timeout_ms = 60000) {
    auto r = init(id, timeout_ms);
    log.flush();
    return r->value();
  }
  Slot<std::vector<ErrorCode>> add(const std::string& id, const InitPidResult& p,
                                   std::vector<TopicPartition> tps) {
    auto slot = std::make_shared<std::optional<std::vector<ErrorCode>>>();
    coordinator.add_partitions(id, p.producer_id, p.producer_epoch, tps,
                               [slot](std::vector<ErrorCode> e) { *slot = std::move(e); });
    return slot;
  }
  Slot<ErrorCode> end(const std::string& id, int64_t pid, int16_t epoch, bool commit) {
    auto slot = std::make_shared<std::optional<ErrorCode>>();
    coordinator.end_txn(id, pid, epoch, commit, [slot](ErrorCode e) { *slot = e; });
    return slot;
  }
  Slot<ErrorCode> end(const std::string& id, const InitPidResult& p, bool commit) {
    return end(id, p.producer_id, p.producer_epoch, commit);
  }
  TxnState state(const std::string& id) const {
    const TxnMetadata* m = coordinator.find(id);
    return m ? m->state : TxnState::kDead;
  }

  ManualClock clock;
  FakeLog log;
  FakeMarkers markers;
  FakePids pids;
  TxnCoordinator coordinator;
};

}  // namespace gregor::coordinator::txn::testing
