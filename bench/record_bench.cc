// Record-codec throughput: CRC-32C and the produce-path validator, in bytes of
// batch processed per second (Google Benchmark prints it as bytes_per_second).
// The broker validates every produced batch, so these are its per-GB CPU costs.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_validator.h"
#include "protocol/record/crc32c.h"

using namespace gregor::record;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::vector<uint8_t> random_buffer(size_t n) {
  std::mt19937 rng(1);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

void BM_Crc32c(benchmark::State& state) {
  auto buf = random_buffer(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c(buf.data(), buf.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20);

void BM_Crc32cSoftware(benchmark::State& state) {
  auto buf = random_buffer(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_software(buf.data(), buf.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32cSoftware)->Arg(1 << 20);

// About 1 MiB of 1 KiB values with short keys, text-like so codecs compress it
// the way they compress typical JSON or log lines.
std::vector<uint8_t> one_mib_batch(Codec codec) {
  static const char* words[] = {
      "\"id\":", "\"user\":", "\"event\":\"click\",", "\"ts\":", "\"page\":\"/home\",", "true,",
      "null,",   "3.14159,"};
  std::mt19937 rng(7);
  BatchSpec spec;
  spec.codec = codec;
  spec.producer_id = 1000;
  spec.producer_epoch = 0;
  spec.base_sequence = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string v;
    while (v.size() < 1024) v += words[rng() % 8] + std::to_string(rng() % 100000) + ",";
    v.resize(1024);
    spec.records.push_back({"key-" + std::to_string(i), std::move(v), {}, kNow + i, {}});
  }
  return build_batch(spec);
}

void BM_ValidateProduceBatch(benchmark::State& state) {
  auto codec = static_cast<Codec>(state.range(0));
  const auto batch = one_mib_batch(codec);
  auto work = batch;
  ValidationOptions o;
  o.now_ms = kNow;
  o.max_batch_bytes = 8 << 20;
  o.max_timestamp_diff_ms = 3'600'000;
  for (auto _ : state) {
    auto r = validate_produce_batch(work, o);
    if (!r.ok()) state.SkipWithError("batch rejected");
    benchmark::DoNotOptimize(r);
  }
  // Throughput in uncompressed record bytes would flatter the codecs; count
  // what arrives on the wire, which is what the broker's per-GB cost is about.
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
  // The same work counted in record bytes before compression.
  static const double plain_bytes = static_cast<double>(one_mib_batch(Codec::kNone).size());
  state.counters["plain_bytes_per_second"] = benchmark::Counter(
      plain_bytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(codec_name(codec));
}
BENCHMARK(BM_ValidateProduceBatch)
    ->Arg(static_cast<int>(Codec::kNone))
    ->Arg(static_cast<int>(Codec::kLz4))
    ->Arg(static_cast<int>(Codec::kZstd))
    ->Arg(static_cast<int>(Codec::kSnappy))
    ->Arg(static_cast<int>(Codec::kGzip));

void BM_ValidateLogAppendTime(benchmark::State& state) {
  const auto batch = one_mib_batch(Codec::kNone);
  auto work = batch;
  ValidationOptions o;
  o.now_ms = kNow;
  o.max_batch_bytes = 8 << 20;
  o.log_append_time = true;
  for (auto _ : state) {
    work = batch;  // the rewrite sets the bit a client may not send
    benchmark::DoNotOptimize(validate_produce_batch(work, o));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_ValidateLogAppendTime);

}  // namespace

BENCHMARK_MAIN();
