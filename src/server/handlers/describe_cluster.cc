// DescribeCluster (key 60). This node is a broker; a request for controller
// endpoints (endpoint_type 2) gets MISMATCHED_ENDPOINT_TYPE, as from a Kafka broker.
#include "protocol/messages/describe_cluster.h"
#include "server/broker.h"
#include "server/handlers/acl_operations.h"
#include "server/handlers/handler.h"

namespace gregor::server {

asio::awaitable<net::Response> handle_describe_cluster(Broker& broker, net::Request& req) {
  protocol::DescribeClusterRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeCluster request");
  protocol::DescribeClusterResponse resp;
  resp.endpoint_type = request.endpoint_type;
  if (request.endpoint_type != 1) {
    resp.error_code = to_wire(ErrorCode::kMismatchedEndpointType);
    resp.error_message =
        "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type "
        "CONTROLLER";
    co_return respond(resp, req);
  }
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.node_id();
  auto endpoint = broker.advertised_endpoint(req.conn->listener_name);
  protocol::DescribeClusterResponse::DescribeClusterBroker self;
  self.broker_id = broker.node_id();
  self.host = endpoint.host;
  self.port = endpoint.port;
  resp.brokers.push_back(self);
  resp.cluster_authorized_operations =
      request.include_cluster_authorized_operations ? kClusterOperations : kOperationsNotRequested;
  co_return respond(resp, req);
}

}  // namespace gregor::server
