// The parts of the consumer protocol ("consumer" protocol type) the
// coordinator reads: the topics of a member's subscription
// (ConsumerProtocolSubscription, versions 0-3: int16 version, then an array of
// topic names). Used to refuse deleting offsets of subscribed topics and to
// expire offsets of topics a stable group no longer consumes.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>

#include "coordinator/group/group.h"

namespace gregor::coordinator::group {

// nullopt if the bytes are not a subscription.
std::optional<std::set<std::string>> subscribed_topics(std::span<const uint8_t> metadata);

// The union of the members' subscriptions, for a "consumer" group with a
// selected protocol; nullopt for any other group or an unreadable subscription.
std::optional<std::set<std::string>> group_subscribed_topics(const Group& g);

}  // namespace gregor::coordinator::group
