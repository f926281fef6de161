// LatencyHistogram: latencies in microseconds with about 0.1% precision, in
// the manner of HdrHistogram: values below 2048 are counted exactly, larger
// ones in 1024 sub-buckets per power of two. Fixed memory (~340 KiB), O(1)
// record. Not thread-safe: each thread records into its own and merges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gregor::cli {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(int64_t value_us);
  void merge(const LatencyHistogram& other);
  void reset();

  int64_t count() const { return count_; }
  int64_t max() const { return max_; }
  // The smallest recorded value v such that a fraction q (0..1) of the values
  // are <= v (within the bucket precision); 0 when empty.
  int64_t percentile(double q) const;

 private:
  static size_t index_of(int64_t value);
  static int64_t upper_bound_of(size_t index);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t max_ = 0;
};

}  // namespace gregor::cli
