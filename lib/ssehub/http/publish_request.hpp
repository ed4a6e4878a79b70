// Validation of a POST /publish body: pure, so every rule is tested without a socket.
#pragma once

#include "ssehub/hub/event_draft.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssehub {

struct publish_limits {
    std::string default_topic = "default";
    std::size_t max_events = 10000; // per request
    std::size_t max_depth = 32;     // JSON nesting
};

// The drafts, in order, or the reason the whole request is refused (nothing is published).
// Body: {"topic"?: string, "event"?: string, "data": any} or a non-empty array of them.
// A string `data` is sent as its text (line breaks become several data: lines); any other
// value is sent as compact JSON.
std::variant<std::vector<event_draft>, std::string> parse_publish_body(std::string_view body, publish_limits const& limits);

} // namespace ssehub
