// What the commands that send requests through WireClient share: the
// cluster's brokers from librdkafka's Metadata, the PLAINTEXT-only rule
// (WireClient has no TLS or SASL, so -X reaches only the Metadata lookup),
// and the highest version of an API a broker supports.
#pragma once

#include <cstdint>

#include "cli/client_options.h"
#include "cli/metadata.h"
#include "cli/wire_client.h"

namespace gregor::cli {

// Whether -X leaves security.protocol at PLAINTEXT (unset, or "plaintext" in
// any case), so that WireClient can reach the listeners.
bool plaintext_listeners(const ClientOptions& options);

// Throws a usage error (exit code 2) unless plaintext_listeners(options).
void require_plaintext(const ClientOptions& options);

// The cluster's metadata, read through a librdkafka client after
// require_plaintext(options).
ClusterMetadata plaintext_cluster_metadata(const ClientOptions& options);

// The broker with id `id`, or a CommandError (exit code 1).
const BrokerMetadata& find_broker(const ClusterMetadata& md, int id);

// The highest version in [min, max] of `api_key` the broker supports, or -1.
int16_t highest_supported(WireClient& wire, int16_t api_key, int16_t min, int16_t max);

}  // namespace gregor::cli
