#include "cli/wire_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error_code.h"
#include "protocol/header.h"
#include "protocol/messages/api_versions.h"
#include "protocol/wire.h"

namespace gregor::cli {
namespace {

// Larger answers than this are not a response to anything the CLI asks.
constexpr int32_t kMaxResponseBytes = 100 * 1024 * 1024;

std::string errno_text(int err) {
  return std::strerror(err);
}

// Connects one address within timeout_ms; returns the socket or -1 with errno set.
int connect_one(const addrinfo& ai, int timeout_ms) {
  int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return -1;
  int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, ai.ai_addr, ai.ai_addrlen);
  if (rc < 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, timeout_ms);
    if (rc == 0) {
      errno = ETIMEDOUT;
      rc = -1;
    } else if (rc > 0) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      errno = err;
      rc = err == 0 ? 0 : -1;
    }
  }
  if (rc < 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  ::fcntl(fd, F_SETFL, flags);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

}  // namespace

std::string error_code_name(int16_t code) {
  std::string_view name = error_name(static_cast<ErrorCode>(code));
  if (name == "ERROR") return "error " + std::to_string(code);
  return std::string(name);
}

std::vector<uint8_t> encode_request_frame(int16_t api_key, int16_t api_version,
                                          int32_t correlation_id, std::span<const uint8_t> body) {
  ByteWriter w;
  w.i32(0);
  protocol::RequestHeader header;
  header.api_key = api_key;
  header.api_version = api_version;
  header.correlation_id = correlation_id;
  header.client_id = std::string(kWireClientId);
  protocol::encode_request_header(w, header);
  w.raw(body);
  std::vector<uint8_t> frame = std::move(w.buf());
  ByteWriter size;
  size.i32(static_cast<int32_t>(frame.size() - 4));
  std::memcpy(frame.data(), size.buf().data(), 4);
  return frame;
}

std::span<const uint8_t> response_body(std::span<const uint8_t> frame, int16_t api_key,
                                       int16_t api_version, int32_t correlation_id,
                                       const std::string& broker) {
  ByteReader r(frame);
  int32_t got = r.i32();
  if (protocol::response_header_version(api_key, api_version) >= 1) protocol::wire::skip_tags(r);
  if (!r.ok()) fail("malformed response header from " + broker);
  if (got != correlation_id) {
    fail("response from " + broker + " has correlation id " + std::to_string(got) + ", expected " +
         std::to_string(correlation_id));
  }
  return frame.subspan(frame.size() - r.remaining());
}

WireClient::WireClient(const std::string& host, int port, int timeout_ms)
    : address_(host + ":" + std::to_string(port)), timeout_ms_(timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    throw CommandError(ExitCode::kUnreachable,
                       "cannot resolve broker " + address_ + ": " + ::gai_strerror(rc));
  }
  int err = 0;
  for (addrinfo* ai = list; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
    fd_ = connect_one(*ai, timeout_ms_);
    if (fd_ < 0) err = errno;
  }
  ::freeaddrinfo(list);
  if (fd_ < 0) io_failure("cannot reach broker " + address_ + ": " + errno_text(err));
}

WireClient::~WireClient() {
  if (fd_ >= 0) ::close(fd_);
}

void WireClient::io_failure(const std::string& what) const {
  throw CommandError(ExitCode::kUnreachable, what);
}

void WireClient::malformed(const char* name) const {
  fail(std::string("malformed ") + name + " response from " + address_);
}

void WireClient::write_all(const uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      io_failure("cannot send to broker " + address_ + ": " +
                 (errno == EAGAIN ? std::string("timed out") : errno_text(errno)));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void WireClient::read_all(uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::recv(fd_, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) io_failure("broker " + address_ + " closed the connection");
    if (n < 0) {
      io_failure("no answer from broker " + address_ + ": " +
                 (errno == EAGAIN ? std::string("timed out") : errno_text(errno)));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

std::vector<uint8_t> WireClient::exchange(int16_t api_key, int16_t version,
                                          const std::vector<uint8_t>& body) {
  ++correlation_id_;
  std::vector<uint8_t> frame = encode_request_frame(api_key, version, correlation_id_, body);
  write_all(frame.data(), frame.size());
  uint8_t size_bytes[4];
  read_all(size_bytes, sizeof size_bytes);
  ByteReader size_reader(size_bytes, sizeof size_bytes);
  int32_t size = size_reader.i32();
  if (size < 4 || size > kMaxResponseBytes) {
    fail("response of " + std::to_string(size) + " bytes from " + address_);
  }
  std::vector<uint8_t> response(static_cast<size_t>(size));
  read_all(response.data(), response.size());
  return response;
}

bool WireClient::supports(int16_t api_key, int16_t version) {
  if (!have_versions_) {
    // v0: every broker answers it, and its response header is always v0.
    auto answer = call<protocol::ApiVersionsApi>(protocol::ApiVersionsRequest{}, 0);
    if (answer.error_code != 0) {
      fail("ApiVersions at " + address_ + ": " + error_code_name(answer.error_code));
    }
    for (const auto& v : answer.api_keys) versions_[v.api_key] = {v.min_version, v.max_version};
    have_versions_ = true;
  }
  auto it = versions_.find(api_key);
  return it != versions_.end() && version >= it->second.first && version <= it->second.second;
}

void WireClient::require(int16_t api_key, int16_t version, const char* name) {
  if (api_key == protocol::ApiVersionsApi::key) return;
  if (!supports(api_key, version)) {
    throw CommandError(ExitCode::kUnsupported, "broker " + address_ + " does not support " + name +
                                                   " v" + std::to_string(version));
  }
}

}  // namespace gregor::cli
