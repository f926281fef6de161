#include "cli/wire_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "cli/command_error.h"
#include "protocol/header.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/list_transactions.h"

namespace gregor::cli {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

TEST(WireFrame, FlexibleRequestUsesHeaderV2) {
  // ListTransactions v0 is flexible: header v2 ends with an empty tag section.
  std::vector<uint8_t> body = bytes({0xAA});
  auto frame = encode_request_frame(66, 0, 7, body);
  std::vector<uint8_t> expected = bytes({0, 0, 0, 22,  // size
                                         0, 66, 0, 0,  // api key, version
                                         0, 0, 0, 7,   // correlation id
                                         0, 10});      // client id length
  for (char c : kWireClientId) expected.push_back(static_cast<uint8_t>(c));
  expected.push_back(0);     // header tagged fields
  expected.push_back(0xAA);  // body
  EXPECT_EQ(frame, expected);
}

TEST(WireFrame, ClassicRequestUsesHeaderV1) {
  // ApiVersions v0 is not flexible: header v1, no tag section.
  auto frame = encode_request_frame(18, 0, 1, {});
  ASSERT_EQ(frame.size(), 4u + 8u + 2u + kWireClientId.size());
  ByteReader r(frame);
  EXPECT_EQ(r.i32(), static_cast<int32_t>(frame.size() - 4));
  EXPECT_EQ(r.i16(), 18);
  EXPECT_EQ(r.i16(), 0);
  EXPECT_EQ(r.i32(), 1);
  EXPECT_EQ(r.i16(), static_cast<int16_t>(kWireClientId.size()));
}

TEST(WireFrame, FlexibleResponseHeaderSkipsTags) {
  // correlation id 9, one tagged field (tag 3, 2 bytes), then the body.
  auto frame = bytes({0, 0, 0, 9, 1, 3, 2, 0xEE, 0xEE, 0x42});
  auto body = response_body(frame, 65, 0, 9, "b:1");
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0], 0x42);
}

TEST(WireFrame, ApiVersionsResponseHeaderIsV0) {
  auto frame = bytes({0, 0, 0, 4, 0, 0});
  auto body = response_body(frame, 18, 3, 4, "b:1");
  EXPECT_EQ(body.size(), 2u);
}

TEST(WireFrame, WrongCorrelationIdFails) {
  auto frame = bytes({0, 0, 0, 5, 0});
  EXPECT_THROW(response_body(frame, 66, 0, 6, "b:1"), CommandError);
  EXPECT_THROW(response_body(bytes({0, 0}), 66, 0, 6, "b:1"), CommandError);
}

TEST(WireFrame, DecodesAGeneratedResponseBody) {
  protocol::DescribeTransactionsResponse sent;
  auto& t = sent.transaction_states.emplace_back();
  t.transactional_id = "tx";
  t.transaction_state = "Ongoing";
  t.producer_id = 1000;
  t.topics.push_back({"orders", {0, 2}});
  ByteWriter w;
  w.i32(3);
  w.u8(0);  // response header v1: no tagged fields
  sent.encode(w, 0);
  auto body = response_body(w.buf(), 65, 0, 3, "b:1");
  protocol::DescribeTransactionsResponse got;
  ByteReader r(body);
  got.decode(r, 0);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(got.transaction_states.size(), 1u);
  EXPECT_EQ(got.transaction_states[0].transactional_id, "tx");
  EXPECT_EQ(got.transaction_states[0].topics[0].partitions, (std::vector<int32_t>{0, 2}));
}

// A broker on a loopback socket that answers ApiVersions (listing only
// ApiVersions and ListTransactions) and ListTransactions, then closes.
class FakeBroker {
 public:
  FakeBroker() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeBroker() {
    join();
    ::close(fd_);
  }
  // Waits for the client to close its connection.
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  std::vector<protocol::RequestHeader> seen;
  protocol::ListTransactionsRequest list_request;

 private:
  static bool read_exact(int fd, uint8_t* p, size_t n) {
    while (n > 0) {
      ssize_t got = ::recv(fd, p, n, 0);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }
  void serve() {
    int conn = ::accept(fd_, nullptr, nullptr);
    uint8_t size_bytes[4];
    while (read_exact(conn, size_bytes, 4)) {
      ByteReader size_reader(size_bytes, 4);
      std::vector<uint8_t> frame(static_cast<size_t>(size_reader.i32()));
      if (!read_exact(conn, frame.data(), frame.size())) break;
      ByteReader r(frame);
      protocol::RequestHeader h;
      if (!protocol::decode_request_header(r, h)) break;
      seen.push_back(h);
      ByteWriter w;
      w.i32(0);
      protocol::encode_response_header(w, h.api_key, h.api_version, h.correlation_id);
      if (h.api_key == 18) {
        protocol::ApiVersionsResponse answer;
        answer.api_keys.push_back({18, 0, 3});
        answer.api_keys.push_back({66, 0, 1});
        answer.encode(w, h.api_version);
      } else {
        list_request.decode(r, h.api_version);
        protocol::ListTransactionsResponse answer;
        answer.transaction_states.push_back({"tx-1", 1000, "Ongoing"});
        answer.encode(w, h.api_version);
      }
      w.patch_i32(0, static_cast<int32_t>(w.buf().size() - 4));
      ::send(conn, w.buf().data(), w.buf().size(), MSG_NOSIGNAL);
    }
    ::close(conn);
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(WireClient, CallsAfterCheckingApiVersions) {
  FakeBroker broker;
  {
    WireClient client("127.0.0.1", broker.port(), 5000);
    protocol::ListTransactionsRequest request;
    request.state_filters = {"Ongoing"};
    auto response = client.call<protocol::ListTransactionsApi>(request, 0);
    ASSERT_EQ(response.transaction_states.size(), 1u);
    EXPECT_EQ(response.transaction_states[0].transactional_id, "tx-1");
    EXPECT_EQ(response.transaction_states[0].producer_id, 1000);
    EXPECT_FALSE(client.supports(65, 0));
    try {
      client.call<protocol::DescribeTransactionsApi>(protocol::DescribeTransactionsRequest{}, 0);
      FAIL();
    } catch (const CommandError& e) {
      EXPECT_EQ(e.code(), ExitCode::kUnsupported);
    }
  }
  broker.join();
  ASSERT_EQ(broker.seen.size(), 2u);
  EXPECT_EQ(broker.seen[0].api_key, 18);
  EXPECT_EQ(broker.seen[1].api_key, 66);
  EXPECT_EQ(broker.seen[1].correlation_id, broker.seen[0].correlation_id + 1);
  EXPECT_EQ(broker.seen[1].client_id, std::string(kWireClientId));
  EXPECT_EQ(broker.list_request.state_filters, std::vector<std::string>{"Ongoing"});
}

TEST(WireClient, ConnectionRefusedIsUnreachable) {
  try {
    WireClient client("127.0.0.1", 1, 1000);
    FAIL();
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), ExitCode::kUnreachable);
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos);
  }
}

}  // namespace
}  // namespace gregor::cli
