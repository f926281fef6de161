// DescribeLogDirs (key 35), versions 0-4: each configured log directory with the
// partitions stored in it, their size in bytes (PartitionLog::size_bytes, read
// on the owner shard) and offset lag 0 (no replica is ever behind: there are no
// future replicas); v4 adds the file system's total and usable bytes.
#include <sys/statvfs.h>

#include <filesystem>
#include <map>

#include "protocol/messages/describe_log_dirs.h"
#include "server/broker.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

using protocol::DescribeLogDirsRequest;
using protocol::DescribeLogDirsResponse;

struct PartitionRef {
  const TopicInfo* topic;
  int32_t partition;
};

struct PartitionSize {
  std::string dir;  // the partition's log dir (parent of its directory); empty if not open
  int64_t size_bytes = 0;
};

// The partitions asked for (all when `topics` is null), in topic and partition order.
std::vector<PartitionRef> requested(const TopicTable& table, const DescribeLogDirsRequest& req) {
  std::vector<PartitionRef> out;
  if (!req.topics) {
    for (const TopicInfo* t : table.sorted())
      for (int32_t p = 0; p < t->partitions; ++p) out.push_back({t, p});
    return out;
  }
  for (const auto& wanted : *req.topics) {
    const TopicInfo* t = table.find(wanted.topic);
    if (t == nullptr) continue;
    for (int32_t p : wanted.partitions)
      if (p >= 0 && p < t->partitions) out.push_back({t, p});
  }
  return out;
}

// Reads the sizes, one hop per shard that owns any of the partitions.
asio::awaitable<std::vector<PartitionSize>> read_sizes(Broker& broker,
                                                       const std::vector<PartitionRef>& parts) {
  std::vector<PartitionSize> sizes(parts.size());
  std::map<unsigned, std::vector<size_t>> by_shard;
  for (size_t i = 0; i < parts.size(); ++i)
    by_shard[broker.owner_shard(parts[i].topic->id, parts[i].partition)].push_back(i);
  for (const auto& [shard, indexes] : by_shard) {
    auto read = [&broker, &parts, &sizes, &indexes, shard = shard] {
      for (size_t i : indexes) {
        auto* log = broker.partitions_of(shard).find(parts[i].topic->id, parts[i].partition);
        if (log == nullptr) continue;
        sizes[i].dir = std::filesystem::path(log->dir()).parent_path().string();
        sizes[i].size_bytes = log->size_bytes();
      }
      return true;
    };
    co_await broker.shards().invoke_on(shard, std::move(read));
  }
  co_return sizes;
}

std::string normal(const std::string& dir) {
  std::string s = std::filesystem::absolute(dir).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

DescribeLogDirsResponse::DescribeLogDirsResult dir_result(const std::string& dir) {
  DescribeLogDirsResponse::DescribeLogDirsResult r;
  r.log_dir = normal(dir);
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) == 0) {
    r.total_bytes = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
    r.usable_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  }
  return r;
}

void add_partition(DescribeLogDirsResponse::DescribeLogDirsResult& dir, const PartitionRef& ref,
                   int64_t size_bytes) {
  if (dir.topics.empty() || dir.topics.back().name != ref.topic->name) {
    dir.topics.emplace_back();
    dir.topics.back().name = ref.topic->name;
  }
  DescribeLogDirsResponse::DescribeLogDirsPartition p;
  p.partition_index = ref.partition;
  p.partition_size = size_bytes;
  p.offset_lag = 0;
  p.is_future_key = false;
  dir.topics.back().partitions.push_back(p);
}

}  // namespace

asio::awaitable<net::Response> handle_describe_log_dirs(Broker& broker, net::Request& req) {
  DescribeLogDirsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeLogDirs request");
  auto table = broker.topics();  // keeps every TopicInfo referenced below alive
  std::vector<PartitionRef> parts = requested(*table, request);
  std::vector<PartitionSize> sizes = co_await read_sizes(broker, parts);

  DescribeLogDirsResponse resp;
  std::map<std::string, size_t> index_of;  // normalised log dir -> result
  for (const auto& dir : broker.config().log_dirs) {
    if (index_of.count(normal(dir))) continue;
    index_of[normal(dir)] = resp.results.size();
    resp.results.push_back(dir_result(dir));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (sizes[i].dir.empty()) continue;
    auto it = index_of.find(normal(sizes[i].dir));
    if (it == index_of.end()) continue;
    add_partition(resp.results[it->second], parts[i], sizes[i].size_bytes);
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
