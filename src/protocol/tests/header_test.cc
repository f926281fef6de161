#include "protocol/header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gregor::protocol {
namespace {

TEST(HeaderVersion, Request) {
  EXPECT_EQ(request_header_version(18, 0), 1);
  EXPECT_EQ(request_header_version(18, 3), 2);
  EXPECT_EQ(request_header_version(18, 9), 2);  // above the table: flexible rule still applies
  EXPECT_EQ(request_header_version(0, 8), 1);
  EXPECT_EQ(request_header_version(0, 9), 2);
  EXPECT_EQ(request_header_version(7, 0), 0);  // ControlledShutdown v0
  EXPECT_EQ(request_header_version(7, 2), 1);
  EXPECT_EQ(request_header_version(7, 3), 2);
  EXPECT_EQ(request_header_version(17, 1), 1);  // SaslHandshake: never flexible
  EXPECT_EQ(request_header_version(47, 0), 1);  // OffsetDelete: never flexible
  EXPECT_EQ(request_header_version(60, 0), 2);
  EXPECT_EQ(request_header_version(76, 0), 2);  // share groups: no schema, flexible from 0
  EXPECT_EQ(request_header_version(1000, 5), 1);
}

TEST(HeaderVersion, Response) {
  EXPECT_EQ(response_header_version(18, 0), 0);
  EXPECT_EQ(response_header_version(18, 3), 0);  // ApiVersions: always v0
  EXPECT_EQ(response_header_version(18, 4), 0);
  EXPECT_EQ(response_header_version(0, 8), 0);
  EXPECT_EQ(response_header_version(0, 9), 1);
  EXPECT_EQ(response_header_version(3, 12), 1);
}

std::vector<uint8_t> bytes_of(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

TEST(RequestHeader, DecodesFlexibleHeaderAndLeavesBody) {
  // ApiVersions v3, correlation 1, client id "rdkafka", empty tag section, then body.
  auto b = bytes_of({0, 18, 0, 3, 0, 0, 0, 1, 0, 7, 'r', 'd', 'k', 'a', 'f', 'k', 'a', 0, 0xaa});
  ByteReader r(b);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_EQ(h.api_key, 18);
  EXPECT_EQ(h.api_version, 3);
  EXPECT_EQ(h.correlation_id, 1);
  EXPECT_EQ(h.client_id, std::optional<std::string>("rdkafka"));
  ASSERT_EQ(r.remaining(), 1u);
  EXPECT_EQ(*r.cursor(), 0xaa);
}

TEST(RequestHeader, SkipsUnknownHeaderTags) {
  auto b = bytes_of({0, 3, 0, 12, 0, 0, 0, 9, 0xff, 0xff, 1, 5, 2, 0x11, 0x22, 0xbb});
  ByteReader r(b);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_FALSE(h.client_id.has_value());
  ASSERT_EQ(r.remaining(), 1u);
  EXPECT_EQ(*r.cursor(), 0xbb);
}

TEST(RequestHeader, ClassicHeaderHasNoTags) {
  auto b = bytes_of({0, 3, 0, 1, 0, 0, 1, 0, 0, 2, 'k', 'p', 0});
  ByteReader r(b);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_EQ(h.correlation_id, 256);
  EXPECT_EQ(h.client_id, std::optional<std::string>("kp"));
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(RequestHeader, ControlledShutdownV0HasNoClientId) {
  auto b = bytes_of({0, 7, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1});
  ByteReader r(b);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_EQ(h.correlation_id, 4);
  EXPECT_FALSE(h.client_id.has_value());
  EXPECT_EQ(r.remaining(), 4u);
}

TEST(RequestHeader, UnknownKeyStillDecodes) {
  auto b = bytes_of({0x03, 0xe8, 0, 1, 0, 0, 0, 7, 0, 0});
  ByteReader r(b);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h));
  EXPECT_EQ(h.api_key, 1000);
  EXPECT_EQ(h.correlation_id, 7);
}

TEST(RequestHeader, TruncationFails) {
  auto b = bytes_of({0, 18, 0, 3, 0, 0, 0, 1, 0, 7, 'r', 'd', 'k', 'a', 'f', 'k', 'a', 0});
  for (size_t n = 0; n < b.size(); ++n) {
    ByteReader r(b.data(), n);
    RequestHeader h;
    EXPECT_FALSE(decode_request_header(r, h)) << n;
  }
}

TEST(RequestHeader, EncodeDecodeRoundTrip) {
  RequestHeader in{3, 12, 42, std::string("client-1")};
  ByteWriter w;
  encode_request_header(w, in);
  auto b = w.flatten();
  ByteReader r(b);
  RequestHeader out;
  ASSERT_TRUE(decode_request_header(r, out));
  EXPECT_EQ(out.api_key, 3);
  EXPECT_EQ(out.api_version, 12);
  EXPECT_EQ(out.correlation_id, 42);
  EXPECT_EQ(out.client_id, in.client_id);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ResponseHeader, ApiVersionsHasNoTagSection) {
  ByteWriter w;
  encode_response_header(w, 18, 3, 0x01020304);
  EXPECT_EQ(w.flatten(), bytes_of({1, 2, 3, 4}));
}

TEST(ResponseHeader, FlexibleHasTagSection) {
  ByteWriter w;
  encode_response_header(w, 1, 12, 5);
  EXPECT_EQ(w.flatten(), bytes_of({0, 0, 0, 5, 0}));
  ByteWriter w2;
  encode_response_header(w2, 1, 11, 5);
  EXPECT_EQ(w2.flatten(), bytes_of({0, 0, 0, 5}));
}

}  // namespace
}  // namespace gregor::protocol
