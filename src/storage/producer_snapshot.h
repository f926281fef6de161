// Producer-state snapshot files (Kafka's `<offset>.snapshot`): the producer
// state of a partition as of an offset, so that opening the log replays only
// the batches after it.
//
// `<20-digit offset>.snapshot` in the partition directory, big-endian:
//   int16 version (1), uint32 CRC-32C of everything after this field,
//   int64 offset (the name's), then the body of
//   ProducerStateManager::encode_snapshot (producer_state.cc).
// Written atomically (a .tmp file, fsync, rename, directory fsync) on the
// shard's I/O thread; taken when a segment is rolled (for the new segment's
// base offset) and when the log is closed (for its end). The newest
// kSnapshotsKept are kept. At open, snapshots beyond the recovered log end
// are deleted and the newest one that decodes is loaded.
//
// Thread contract: free functions; submit_snapshot() runs the file work on
// the I/O worker and posts the outcome to the owner shard.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/file_io.h"
#include "storage/io_worker.h"
#include "storage/producer_state.h"

namespace gregor::storage {

inline constexpr size_t kSnapshotsKept = 3;

std::string snapshot_path(const std::string& dir, int64_t offset);
// Offsets of the `*.snapshot` files of `dir`, ascending.
std::vector<int64_t> list_snapshots(const std::string& dir);

std::vector<uint8_t> encode_producer_snapshot(const ProducerStateManager& state, int64_t offset);
// Replaces `state`'s producers with the file's; false if the file is missing,
// damaged or not for `offset`.
bool load_producer_snapshot(FileIo& io, const std::string& dir, int64_t offset,
                            ProducerStateManager& state);

// Writes `bytes` as the snapshot at `offset`, then unlinks the snapshots at
// `remove`. Runs on `worker` (inline if it is stopped); `done(0 or -errno)`
// goes through `post`.
void submit_snapshot(IoWorker& worker, const std::function<void(std::function<void()>)>& post,
                     std::string dir, int64_t offset, std::vector<uint8_t> bytes,
                     std::vector<int64_t> remove, std::function<void(int)> done);
// The same, on the calling thread; returns 0 or -errno.
int write_snapshot_now(FileIo& io, const std::string& dir, int64_t offset,
                       const std::vector<uint8_t>& bytes, const std::vector<int64_t>& remove);

}  // namespace gregor::storage
