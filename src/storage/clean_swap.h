// Swapping cleaned segments into a partition directory, crash-safe at every
// step (Kafka's LocalLog.replaceSegments, with an explicit commit record).
//
// A cleaning pass replaces old segments [b1, ..., bk] (bases, consecutive in
// the log) by new segments [n1 = b1, ..., nm] (each new base is one of the old
// ones) covering the same offsets. Steps and what a restart does after a
// crash in each (recover_interrupted_clean, called when a log is opened):
//
//  1. The cleaner thread writes `<n>.log|.index|.timeindex.cleaned`, fsyncs
//     them and the directory.      Crash: `.cleaned` files are deleted.
//  2. commit_swap(): renames every `.cleaned` to `.swap` (newest segment
//     first, as Kafka), fsyncs the directory.
//                                  Crash: no commit record, so the `.swap`
//                                  files are deleted; the old segments stay.
//  3. commit_swap() writes the commit record `cleaner-swap` (atomically:
//     temporary file, fsync, rename, directory fsync) listing the old and
//     new bases. This is the commit point.
//  4. finish_swap(): removes the old segments that have no new one at their
//     base, renames each `.swap` to its final name (replacing the old files at
//     the same base), fsyncs the directory, removes the record and fsyncs
//     the directory again.         Crash: the record is found and step 4 is
//                                  redone; every step of it is idempotent.
//
// Kafka finds the old segments from the `.swap` files' offset ranges; an
// explicit record is used here because a cleaned segment may end (or be
// empty) well before the next old segment, which would leave old segments
// that were cleaned away behind after a crash.
//
// Thread contract: plain file operations on the calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/file_io.h"
#include "storage/storage_error.h"

namespace gregor::storage {

inline constexpr const char* kCleanerSwapFile = "cleaner-swap";

struct SwapPlan {
  std::vector<int64_t> old_bases;
  std::vector<int64_t> new_bases;
};

// Steps 2 and 3. On failure nothing is committed and the `.swap`/`.cleaned`
// files are removed.
Result<Ok, StorageError> commit_swap(FileIo& io, const std::string& dir, const SwapPlan& plan);
// Step 4.
Result<Ok, StorageError> finish_swap(FileIo& io, const std::string& dir, const SwapPlan& plan);
// Removes the `.cleaned` files of a pass that will not be swapped in.
void discard_cleaned(FileIo& io, const std::string& dir, const std::vector<int64_t>& new_bases);

// At open, before the segments are listed: completes a committed swap, and
// deletes `.cleaned` and uncommitted `.swap` files.
Result<Ok, StorageError> recover_interrupted_clean(FileIo& io, const std::string& dir);

}  // namespace gregor::storage
