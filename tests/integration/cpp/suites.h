// The check groups of rdkafka_client_test; each takes the bootstrap address.
#pragma once

#include <cstdint>
#include <string>

#include "checker.h"

namespace gregor::it {

void RunAdminChecks(Checker& c, const std::string& bootstrap);
void RunRoundTripChecks(Checker& c, const std::string& bootstrap);
void RunPositionChecks(Checker& c, const std::string& bootstrap);
// Consumer groups; needs a broker that does not delay a group's first rebalance
// (group.initial.rebalance.delay.ms=0) to stay fast.
void RunGroupChecks(Checker& c, const std::string& bootstrap);
// Idempotent and transactional producers, read_committed and read_uncommitted consumers;
// needs a broker whose transaction state log fits one broker (replication factor 1).
void RunTxnChecks(Checker& c, const std::string& bootstrap);

// Restart is driven from outside: phase "produce" writes a known data set under
// `prefix` (CreateTime base_ts_ms), the broker is restarted, then phase "verify"
// checks it is all there and that offsets, partitions and configs carried over.
void RunRestartProduce(Checker& c, const std::string& bootstrap, const std::string& prefix,
                       int64_t base_ts_ms);
void RunRestartVerify(Checker& c, const std::string& bootstrap, const std::string& prefix,
                      int64_t base_ts_ms);

}  // namespace gregor::it
