#include "cli/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gregor::cli {
namespace {

constexpr int kSubBits = 10;                        // 1024 sub-buckets per power of two
constexpr int64_t kExact = int64_t{2} << kSubBits;  // values below are exact
constexpr int kMaxExponent = 40;                    // ~12 days in microseconds

}  // namespace

LatencyHistogram::LatencyHistogram()
    : buckets_(static_cast<size_t>(kExact + (kMaxExponent - kSubBits) * (int64_t{1} << kSubBits)),
               0) {}

size_t LatencyHistogram::index_of(int64_t value) {
  if (value < 0) value = 0;
  if (value < kExact) return static_cast<size_t>(value);
  int exponent = std::min(63 - std::countl_zero(static_cast<uint64_t>(value)), kMaxExponent);
  int shift = exponent - kSubBits;
  int64_t sub = (value >> shift) - (int64_t{1} << kSubBits);  // 0..1023
  sub = std::min<int64_t>(sub, (int64_t{1} << kSubBits) - 1);
  return static_cast<size_t>(kExact + (exponent - kSubBits - 1) * (int64_t{1} << kSubBits) + sub);
}

int64_t LatencyHistogram::upper_bound_of(size_t index) {
  auto i = static_cast<int64_t>(index);
  if (i < kExact) return i;
  int64_t rel = i - kExact;
  int exponent = static_cast<int>(rel >> kSubBits) + kSubBits + 1;
  int64_t sub = rel & ((int64_t{1} << kSubBits) - 1);
  int shift = exponent - kSubBits;
  return (((int64_t{1} << kSubBits) + sub + 1) << shift) - 1;
}

void LatencyHistogram::record(int64_t value_us) {
  ++buckets_[index_of(value_us)];
  ++count_;
  max_ = std::max(max_, value_us);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  max_ = 0;
}

int64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<int64_t>(rank, 1, count_);
  int64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace gregor::cli
