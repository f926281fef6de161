// The API versions a broker supports, as librdkafka logged them when it
// connected ("... ApiKey Produce (0) Versions 0..11"). librdkafka 2.0 has no
// public call that returns them, and its log is what works over any
// security protocol, so cluster info reads that.
#pragma once

#include <string>
#include <vector>

namespace gregor::cli {

struct ApiVersionRange {
  int key = -1;
  std::string name;
  int min_version = 0;
  int max_version = 0;
};

// Parses librdkafka's APIVERSION log lines; keeps the first broker's list
// (lines carry a "host:port/id:" prefix), sorted by key. Names are Kafka's
// (librdkafka 2.0 calls key 60 "Unknown-60?"), librdkafka's beyond that list.
std::vector<ApiVersionRange> parse_api_version_lines(const std::vector<std::string>& lines);

// Kafka's name for an API key ("DescribeCluster"), or "" if unknown.
std::string kafka_api_name(int key);

}  // namespace gregor::cli
