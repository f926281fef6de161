// The response write path: file chunks through sendfile, large memory chunks
// through iovecs, a slow reader that makes the socket push back (EAGAIN).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/response_batch.h"
#include "net/tests/net_test_util.h"
#include "net/tests/scripted_handler.h"

namespace gregor::net::testing {
namespace {

using namespace std::chrono_literals;

// A temporary file filled with a pattern; removed on destruction.
class TempFile {
 public:
  explicit TempFile(size_t size) : content_(ScriptedHandler::pattern(size)) {
    char name[] = "/tmp/gregor-net-test-XXXXXX";
    fd_ = ::mkstemp(name);
    if (fd_ < 0) throw std::runtime_error("mkstemp failed");
    ::unlink(name);
    size_t done = 0;
    while (done < content_.size()) {
      ssize_t n = ::write(fd_, content_.data() + done, content_.size() - done);
      if (n <= 0) throw std::runtime_error("write failed");
      done += static_cast<size_t>(n);
    }
  }
  ~TempFile() { ::close(fd_); }
  int fd() const { return fd_; }
  const std::vector<uint8_t>& content() const { return content_; }

 private:
  int fd_ = -1;
  std::vector<uint8_t> content_;
};

std::vector<uint8_t> expected_file_body(const TempFile& f, size_t off, size_t n) {
  std::vector<uint8_t> out{'H'};
  out.insert(out.end(), f.content().begin() + static_cast<ptrdiff_t>(off),
             f.content().begin() + static_cast<ptrdiff_t>(off + n));
  out.push_back('T');
  return out;
}

TEST(ResponseWrite, FileChunksArriveIntact) {
  TempFile file(5 << 20);
  ScriptedHandler handler;
  handler.file_fd = file.fd();
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  struct Case {
    size_t off, n;
  };
  std::vector<Case> cases{{0, 1}, {12345, 100000}, {1 << 20, 4 << 20}, {7, 3000}};
  int id = 0;
  for (auto cs : cases) {
    ASSERT_TRUE(
        c.send_request(id++, op_file(static_cast<int64_t>(cs.off), static_cast<int32_t>(cs.n))));
  }
  id = 0;
  for (auto cs : cases) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->correlation_id, id++);
    ASSERT_EQ(r->body.size(), cs.n + 2);
    EXPECT_TRUE(r->body == expected_file_body(file, cs.off, cs.n)) << "offset " << cs.off;
  }
}

TEST(ResponseWrite, SlowReaderGetsEverything) {
  // 4 MiB responses with a client that reads in small sips: the server's
  // socket buffer fills and the writer must wait for writability.
  TempFile file(4 << 20);
  ScriptedHandler handler;
  handler.file_fd = file.fd();
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  int rcvbuf = 64 * 1024;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  ASSERT_TRUE(c.send_request(1, op_file(0, 4 << 20)));
  ASSERT_TRUE(c.send_request(2, op_memory(3 << 20)));
  ASSERT_TRUE(c.send_request(3, op_echo("tail")));
  std::this_thread::sleep_for(50ms);  // let the server hit EAGAIN
  auto r1 = c.read_response();
  ASSERT_TRUE(r1.has_value());
  EXPECT_TRUE(r1->body == expected_file_body(file, 0, 4 << 20));
  auto r2 = c.read_response();
  ASSERT_TRUE(r2.has_value());
  EXPECT_TRUE(r2->body == ScriptedHandler::pattern(3 << 20));
  auto r3 = c.read_response();
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(r3->body, bytes_of("tail"));
}

TEST(ResponseWrite, FileShorterThanPromisedClosesConnection) {
  TempFile file(1000);
  ScriptedHandler handler;
  handler.file_fd = file.fd();
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_file(500, 1000)));
  EXPECT_TRUE(c.wait_closed());
}

TEST(ResponseBatchFraming, SmallResponsesShareOneStagingPiece) {
  asio::io_context ctx;
  asio::ip::tcp::acceptor acc(ctx, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  asio::ip::tcp::socket client(ctx);
  client.connect(acc.local_endpoint());
  asio::ip::tcp::socket server = acc.accept();
  server.native_non_blocking(true);

  ResponseBatch batch;
  std::vector<Response> responses(50);
  for (int i = 0; i < 50; ++i) {
    responses[static_cast<size_t>(i)].body.i32(i);
    protocol::RequestHeader h;
    h.api_key = kTestApiKey;
    h.api_version = kTestApiVersion;
    h.correlation_id = 1000 + i;
    ASSERT_TRUE(batch.add(h, responses[static_cast<size_t>(i)]));
  }
  EXPECT_EQ(batch.bytes(), 50u * 12u);  // size + correlation id + body
  EXPECT_EQ(batch.piece_count(), 1u);   // one contiguous buffer, one syscall
  std::error_code result;
  asio::co_spawn(
      ctx, [&]() -> asio::awaitable<void> { result = co_await batch.write_to(server); },
      asio::detached);
  ctx.run();
  EXPECT_FALSE(result);
  std::vector<uint8_t> got(batch.bytes());
  asio::read(client, asio::buffer(got));
  ByteReader r(got.data(), got.size());
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(r.i32(), 8);
    EXPECT_EQ(r.i32(), 1000 + i);
    EXPECT_EQ(r.i32(), i);
  }
  EXPECT_TRUE(r.ok());
}

}  // namespace
}  // namespace gregor::net::testing
