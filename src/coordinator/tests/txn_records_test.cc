// __transaction_state records against hand-written encodings, and the state
// table of TxnMetadata.
#include <gtest/gtest.h>

#include "coordinator/partition_hash.h"
#include "coordinator/txn/txn_metadata.h"
#include "coordinator/txn/txn_records.h"

namespace gregor::coordinator::txn {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(TxnRecords, KeyLayout) {
  // int16 key version 0, then the id as an int16-length string.
  EXPECT_EQ(encode_txn_key("t1"), (Bytes{0x00, 0x00, 0x00, 0x02, 't', '1'}));
  auto id = decode_txn_key(encode_txn_key("t1"));
  ASSERT_TRUE(id);
  EXPECT_EQ(**id, "t1");
  // Another record type is skipped, a negative version is an error.
  const Bytes other{0x00, 0x05, 0x00, 0x00};
  ASSERT_TRUE(decode_txn_key(other));
  EXPECT_FALSE(decode_txn_key(other)->has_value());
  const Bytes bad{0xff, 0xff};
  EXPECT_FALSE(decode_txn_key(bad));
}

TEST(TxnRecords, OngoingValueLayout) {
  TxnTransit t;
  t.producer_id = 0x0102;
  t.producer_epoch = 3;
  t.timeout_ms = 60000;
  t.state = TxnState::kOngoing;
  t.partitions = {{"a", 0}, {"a", 1}, {"b", 7}};
  t.update_ms = 0x10;
  t.start_ms = 0x0F;
  const TxnLogRecord r = txn_record("t1", t);
  const Bytes expected = {
      0x00, 0x00,                                      // value version 0
      0,    0,    0,    0,    0,    0,    0x01, 0x02,  // producer id
      0x00, 0x03,                                      // producer epoch
      0x00, 0x00, 0xEA, 0x60,                          // timeout 60000
      0x01,                                            // state Ongoing
      0x00, 0x00, 0x00, 0x02,                          // 2 topics
      0x00, 0x01, 'a',  0x00, 0x00, 0x00, 0x02,        // "a", 2 partitions
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // 0, 1
      0x00, 0x01, 'b',  0x00, 0x00, 0x00, 0x01,        // "b", 1 partition
      0x00, 0x00, 0x00, 0x07,                          // 7
      0,    0,    0,    0,    0,    0,    0,    0x10,  // last update
      0,    0,    0,    0,    0,    0,    0,    0x0F,  // start
  };
  ASSERT_TRUE(r.value);
  EXPECT_EQ(*r.value, expected);
  auto v = decode_txn_value(expected);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->producer_id, 0x0102);
  EXPECT_EQ(v->producer_epoch, 3);
  EXPECT_EQ(v->timeout_ms, 60000);
  EXPECT_EQ(v->state, TxnState::kOngoing);
  EXPECT_EQ(v->partitions, t.partitions);
  EXPECT_EQ(v->update_ms, 0x10);
  EXPECT_EQ(v->start_ms, 0x0F);
  EXPECT_EQ(v->previous_producer_id, -1);
}

TEST(TxnRecords, EmptyValueHasNullPartitions) {
  TxnTransit t;
  t.producer_id = 5;
  t.producer_epoch = 0;
  t.timeout_ms = 1;
  t.state = TxnState::kEmpty;
  t.update_ms = 2;
  t.start_ms = -1;
  const Bytes expected = {
      0x00, 0x00, 0,    0,    0,    0, 0, 0, 0,    5,    0x00, 0x00, 0,    0,    0,    1,
      0x00, 0xFF, 0xFF, 0xFF, 0xFF,  // null partition array
      0,    0,    0,    0,    0,    0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
  };
  EXPECT_EQ(*txn_record("x", t).value, expected);
  EXPECT_FALSE(txn_tombstone("x").value);
  EXPECT_EQ(txn_tombstone("x").key, encode_txn_key("x"));
}

TEST(TxnRecords, FlexibleVersionWithTaggedFields) {
  TxnLogValue v;
  v.producer_id = 9;
  v.previous_producer_id = 8;
  v.producer_epoch = 1;
  v.timeout_ms = 100;
  v.state = TxnState::kCompleteCommit;
  v.update_ms = 5;
  v.start_ms = 4;
  v.client_transaction_version = 2;
  const Bytes bytes = encode_txn_value(v, 1);
  EXPECT_EQ(bytes[0], 0x00);
  EXPECT_EQ(bytes[1], 0x01);
  auto back = decode_txn_value(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->previous_producer_id, 8);
  EXPECT_EQ(back->next_producer_id, -1);
  EXPECT_EQ(back->client_transaction_version, 2);
  EXPECT_EQ(back->state, TxnState::kCompleteCommit);
  const Bytes unknown_version{0x00, 0x02};
  EXPECT_FALSE(decode_txn_value(unknown_version));
}

TEST(TxnRecords, UnknownStateIdIsAnError) {
  TxnLogValue v;
  v.producer_id = 1;
  Bytes bytes = encode_txn_value(v);
  bytes[2 + 8 + 2 + 4] = 9;  // the state byte
  EXPECT_FALSE(decode_txn_value(bytes));
}

TEST(TxnState, NamesIdsAndTransitions) {
  EXPECT_EQ(state_name(TxnState::kPrepareEpochFence), "PrepareEpochFence");
  EXPECT_EQ(state_from_name("CompleteAbort"), TxnState::kCompleteAbort);
  EXPECT_FALSE(state_from_name("ongoing"));
  EXPECT_EQ(state_from_id(3), TxnState::kPrepareAbort);
  EXPECT_FALSE(state_from_id(8));
  using S = TxnState;
  EXPECT_TRUE(valid_transition(S::kEmpty, S::kOngoing));
  EXPECT_TRUE(valid_transition(S::kCompleteAbort, S::kOngoing));
  EXPECT_TRUE(valid_transition(S::kOngoing, S::kOngoing));
  EXPECT_TRUE(valid_transition(S::kOngoing, S::kPrepareCommit));
  EXPECT_TRUE(valid_transition(S::kPrepareEpochFence, S::kPrepareAbort));
  EXPECT_TRUE(valid_transition(S::kPrepareCommit, S::kCompleteCommit));
  EXPECT_TRUE(valid_transition(S::kCompleteCommit, S::kDead));
  EXPECT_FALSE(valid_transition(S::kOngoing, S::kEmpty));
  EXPECT_FALSE(valid_transition(S::kPrepareCommit, S::kCompleteAbort));
  EXPECT_FALSE(valid_transition(S::kEmpty, S::kPrepareCommit));
  EXPECT_FALSE(valid_transition(S::kOngoing, S::kDead));
  EXPECT_TRUE(expiration_allowed(S::kEmpty));
  EXPECT_FALSE(expiration_allowed(S::kOngoing));
}

TEST(TxnMetadata, PrepareAndComplete) {
  TxnMetadata m;
  m.transactional_id = "t";
  m.producer_id = 1;
  m.producer_epoch = 0;
  TxnTransit t = m.prepare_add_partitions({{"a", 0}}, 100);
  EXPECT_EQ(m.pending, TxnState::kOngoing);
  EXPECT_EQ(m.state, TxnState::kEmpty);
  EXPECT_EQ(t.start_ms, 100);
  m.complete_transition(t);
  EXPECT_EQ(m.state, TxnState::kOngoing);
  EXPECT_FALSE(m.has_pending());
  t = m.prepare_add_partitions({{"b", 0}}, 200);
  EXPECT_EQ(t.start_ms, 100);  // the transaction started with its first partition
  m.complete_transition(t);
  EXPECT_EQ(m.partitions.size(), 2u);
  m.complete_transition(m.prepare_abort_or_commit(TxnState::kPrepareCommit, 300));
  t = m.prepare_complete(400);
  EXPECT_EQ(t.state, TxnState::kCompleteCommit);
  m.complete_transition(t);
  EXPECT_TRUE(m.partitions.empty());
  EXPECT_EQ(m.update_ms, 400);
}

TEST(TxnPartition, KafkaHashOfTransactionalId) {
  // The same placement as group ids (abs(Java hashCode) mod n).
  EXPECT_EQ(partition_for_key("my-group", 50), 12);
  EXPECT_EQ(partition_for_key("", 50), 0);
}

}  // namespace
}  // namespace gregor::coordinator::txn
