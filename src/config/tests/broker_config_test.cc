#include "config/broker_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace gregor::config {
namespace {

// A server.properties in a private temporary directory, removed afterwards.
class TempProperties {
 public:
  explicit TempProperties(const std::string& text) {
    char tmpl[] = "/tmp/gregor-config-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/server.properties";
    std::ofstream(path_) << text;
  }
  ~TempProperties() {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

BrokerConfig load_ok(const std::string& file, const std::vector<std::string>& overrides) {
  auto r = load_broker_config(file, overrides);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(r).value() : BrokerConfig{};
}

std::string load_error(const std::string& file, const std::vector<std::string>& overrides) {
  auto r = load_broker_config(file, overrides);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error();
}

TEST(BrokerConfig, DefaultsWithoutFileOrOverrides) {
  BrokerConfig c = load_ok("", {});
  EXPECT_EQ(c.node_id, 1);
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0], (Endpoint{"PLAINTEXT", "localhost", 9092, "PLAINTEXT"}));
  EXPECT_EQ(c.advertised_listeners, c.listeners);
  EXPECT_EQ(c.log_dirs, std::vector<std::string>{"./gregor-data"});
  EXPECT_EQ(c.num_partitions, 1);
  EXPECT_EQ(c.default_replication_factor, 1);
  EXPECT_TRUE(c.auto_create_topics_enable);
  EXPECT_TRUE(c.delete_topic_enable);
  EXPECT_EQ(c.message_max_bytes, 1048588);
  EXPECT_EQ(c.socket_request_max_bytes, 104857600);
  EXPECT_EQ(c.connections_max_idle_ms, 600000);
  EXPECT_EQ(c.num_shards, 0);
  EXPECT_EQ(c.log_segment_bytes, 1073741824);
  EXPECT_EQ(c.log_roll_ms, 7 * 24 * 3600 * 1000LL);
  EXPECT_EQ(c.log_retention_ms, 7 * 24 * 3600 * 1000LL);
  EXPECT_EQ(c.log_retention_bytes, -1);
  EXPECT_EQ(c.log_cleanup_policy, std::vector<std::string>{"delete"});
  EXPECT_EQ(c.log_flush_interval_messages, 1);  // Gregor: durable by default
  EXPECT_EQ(c.log_flush_interval_ms, kLongMax);
  EXPECT_EQ(c.compression_type, "producer");
  EXPECT_EQ(c.min_insync_replicas, 1);
  EXPECT_EQ(c.log_message_timestamp_type, "CreateTime");
  EXPECT_TRUE(c.explicit_keys.empty());
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.values.at("num.partitions"), "1");
  EXPECT_EQ(c.values.at("log.flush.interval.messages"), "1");
  EXPECT_EQ(c.values.count("log.retention.ms"), 0u);  // Kafka's null default
  // A default-constructed BrokerConfig agrees with the loaded defaults on typed fields.
  BrokerConfig plain;
  EXPECT_EQ(plain.log_retention_ms, c.log_retention_ms);
  EXPECT_EQ(plain.log_flush_interval_messages, c.log_flush_interval_messages);
}

TEST(BrokerConfig, FileThenOverridesLaterWins) {
  TempProperties file(
      "# broker\n"
      "node.id=3\n"
      "num.partitions=4\n"
      "log.dirs=/data/a, /data/b\n"
      "auto.create.topics.enable=false\n");
  BrokerConfig c =
      load_ok(file.path(), {"num.partitions=6", "num.partitions=8", "gregor.shards=2"});
  EXPECT_EQ(c.node_id, 3);
  EXPECT_EQ(c.num_partitions, 8);
  EXPECT_EQ(c.num_shards, 2);
  EXPECT_FALSE(c.auto_create_topics_enable);
  EXPECT_EQ(c.log_dirs, (std::vector<std::string>{"/data/a", "/data/b"}));
  EXPECT_EQ(c.values.at("num.partitions"), "8");
  EXPECT_TRUE(c.explicit_keys.count("node.id"));
  EXPECT_TRUE(c.explicit_keys.count("gregor.shards"));
  EXPECT_FALSE(c.explicit_keys.count("message.max.bytes"));
}

TEST(BrokerConfig, BrokerIdIsASynonymOfNodeId) {
  EXPECT_EQ(load_ok("", {"broker.id=7"}).node_id, 7);
  EXPECT_EQ(load_ok("", {"broker.id=7", "node.id=7"}).node_id, 7);
  std::string err = load_error("", {"broker.id=7", "node.id=8"});
  EXPECT_NE(err.find("node.id"), std::string::npos) << err;
}

TEST(BrokerConfig, InvalidValuesNameTheKeyAndLine) {
  TempProperties file("a.comment=ok\nnum.partitions=lots\n");
  std::string err = load_error(file.path(), {});
  EXPECT_NE(err.find("server.properties:2"), std::string::npos) << err;
  EXPECT_NE(
      err.find("Invalid value lots for configuration num.partitions: Not a number of type INT"),
      std::string::npos)
      << err;

  err = load_error("", {"num.partitions=0"});
  EXPECT_NE(err.find("Invalid value 0 for configuration num.partitions: Value must be at least 1"),
            std::string::npos)
      << err;
  err = load_error("", {"message.max.bytes=4294967296"});
  EXPECT_NE(err.find("message.max.bytes"), std::string::npos) << err;
  err = load_error("", {"delete.topic.enable=yes"});
  EXPECT_NE(err.find("Expected value to be either true or false"), std::string::npos) << err;
  err = load_error("", {"log.message.timestamp.type=Wallclock"});
  EXPECT_NE(err.find("String must be one of: CreateTime, LogAppendTime"), std::string::npos) << err;
  err = load_error("", {"log.cleanup.policy=delete,shred"});
  EXPECT_NE(err.find("Invalid value shred for configuration log.cleanup.policy"), std::string::npos)
      << err;
  err = load_error("", {"log.cleaner.min.cleanable.ratio=1.5"});
  EXPECT_NE(err.find("log.cleaner.min.cleanable.ratio"), std::string::npos) << err;
  err = load_error("", {"compression.gzip.level=0"});
  EXPECT_NE(err.find("compression.gzip.level"), std::string::npos) << err;
  err = load_error("", {"just-a-key"});
  EXPECT_NE(err.find("KEY=VALUE"), std::string::npos) << err;
  err = load_error("/nonexistent-dir-for-gregor-test/server.properties", {});
  EXPECT_NE(err.find("server.properties"), std::string::npos) << err;
}

TEST(BrokerConfig, ValuesAreTrimmedAndBooleansCaseInsensitive) {
  BrokerConfig c =
      load_ok("", {"num.partitions= 12 ", "delete.topic.enable=FALSE", "log.retention.bytes=+5"});
  EXPECT_EQ(c.num_partitions, 12);
  EXPECT_FALSE(c.delete_topic_enable);
  EXPECT_EQ(c.log_retention_bytes, 5);
}

TEST(BrokerConfig, UnknownKeysWarnAndAreKept) {
  BrokerConfig c = load_ok("", {"num.partitons=3", "num.network.threads=8"});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("num.partitons"), std::string::npos);
  EXPECT_EQ(c.values.at("num.partitons"), "3");
  EXPECT_EQ(c.values.at("num.network.threads"), "8");  // a Kafka key Gregor ignores quietly
  EXPECT_EQ(c.num_partitions, 1);
}

TEST(BrokerConfig, RetentionAndRollSynonyms) {
  EXPECT_EQ(load_ok("", {"log.retention.hours=1"}).log_retention_ms, 3600000);
  EXPECT_EQ(load_ok("", {"log.retention.hours=1", "log.retention.minutes=2"}).log_retention_ms,
            120000);
  EXPECT_EQ(load_ok("", {"log.retention.minutes=2", "log.retention.ms=5"}).log_retention_ms, 5);
  EXPECT_EQ(load_ok("", {"log.retention.hours=-1"}).log_retention_ms, -1);
  EXPECT_EQ(load_ok("", {"log.retention.ms=-7"}).log_retention_ms, -1);
  EXPECT_EQ(load_ok("", {"log.roll.hours=2"}).log_roll_ms, 7200000);
  EXPECT_EQ(load_ok("", {"log.roll.hours=2", "log.roll.ms=10"}).log_roll_ms, 10);
  EXPECT_EQ(load_ok("", {"log.roll.jitter.hours=1"}).log_roll_jitter_ms, 3600000);
  EXPECT_EQ(load_ok("", {"log.flush.scheduler.interval.ms=500"}).log_flush_interval_ms, 500);
  EXPECT_EQ(load_ok("", {"log.flush.scheduler.interval.ms=500", "log.flush.interval.ms=20"})
                .log_flush_interval_ms,
            20);
}

TEST(BrokerConfig, LogDirsAndLogDir) {
  EXPECT_EQ(load_ok("", {"log.dir=/x"}).log_dirs, std::vector<std::string>{"/x"});
  EXPECT_EQ(load_ok("", {"log.dir=/x", "log.dirs=/y,/z"}).log_dirs,
            (std::vector<std::string>{"/y", "/z"}));
  EXPECT_NE(load_error("", {"log.dirs=/y,/y"}).find("log.dirs"), std::string::npos);
  EXPECT_NE(load_error("", {"log.dirs=,/y"}).find("log.dirs"), std::string::npos);
  EXPECT_NE(load_error("", {"log.dirs= "}).find("log.dirs"), std::string::npos);
}

TEST(BrokerConfig, Listeners) {
  BrokerConfig c = load_ok(
      "", {"listeners=PLAINTEXT://0.0.0.0:9092, ssl://[::1]:9093,INTERNAL://:0",
           "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,internal:sasl_plaintext",
           "advertised.listeners=PLAINTEXT://broker.example.com:19092,SSL://[2001:db8::5]:9093"});
  ASSERT_EQ(c.listeners.size(), 3u);
  EXPECT_EQ(c.listeners[0], (Endpoint{"PLAINTEXT", "0.0.0.0", 9092, "PLAINTEXT"}));
  EXPECT_EQ(c.listeners[1], (Endpoint{"SSL", "::1", 9093, "SSL"}));
  EXPECT_EQ(c.listeners[2], (Endpoint{"INTERNAL", "", 0, "SASL_PLAINTEXT"}));
  ASSERT_EQ(c.advertised_listeners.size(), 2u);
  EXPECT_EQ(c.advertised_listeners[0],
            (Endpoint{"PLAINTEXT", "broker.example.com", 19092, "PLAINTEXT"}));
  EXPECT_EQ(c.advertised_listeners[1].host, "2001:db8::5");
  EXPECT_EQ(c.advertised_listeners[1].to_string(), "SSL://[2001:db8::5]:9093");
  EXPECT_EQ(c.listeners[0].to_string(), "PLAINTEXT://0.0.0.0:9092");
}

TEST(BrokerConfig, AdvertisedDefaultsToListenersWithAHostName) {
  BrokerConfig c = load_ok("", {"listeners=PLAINTEXT://:9092"});
  ASSERT_EQ(c.advertised_listeners.size(), 1u);
  EXPECT_FALSE(c.advertised_listeners[0].host.empty());
  EXPECT_EQ(c.advertised_listeners[0].port, 9092);
  EXPECT_EQ(c.listeners[0].host, "");  // bind address unchanged
}

TEST(BrokerConfig, BadListeners) {
  for (const char* bad :
       {"listeners=localhost:9092", "listeners=PLAINTEXT://host", "listeners=PLAINTEXT://h:65536",
        "listeners=PLAINTEXT://h:-1", "listeners=PLAINTEXT://h:90x",
        "listeners=PLAINTEXT://[::1:9092", "listeners=PLAINTEXT://h/x:9092",
        "listeners=", "listeners=PLAINTEXT://a:1,PLAINTEXT://b:2", "listeners=FOO://a:1",
        "listeners=PLAINTEXT://a:1,SSL://a:1"}) {
    std::string err = load_error("", {bad});
    EXPECT_NE(err.find("listener"), std::string::npos) << bad << " -> " << err;
  }
  std::string err = load_error("", {"listeners=PLAINTEXT://0.0.0.0:9092"});
  EXPECT_NE(err.find("advertised.listeners"), std::string::npos) << err;
  err = load_error("", {"advertised.listeners=SSL://h:1"});
  EXPECT_NE(err.find("advertised.listeners"), std::string::npos) << err;
  err = load_error("", {"listener.security.protocol.map=PLAINTEXT:TLS"});
  EXPECT_NE(err.find("listener.security.protocol.map"), std::string::npos) << err;
}

}  // namespace
}  // namespace gregor::config
