// Routes each request to its handler by API key, after checking that the
// version is one this broker serves (server/api_support.h).
#pragma once

#include "net/request_handler.h"

namespace gregor::server {

class Broker;

class Dispatcher final : public net::RequestHandler {
 public:
  explicit Dispatcher(Broker& broker) : broker_(broker) {}
  asio::awaitable<net::Response> handle(net::Request& req) override;

 private:
  Broker& broker_;
};

}  // namespace gregor::server
