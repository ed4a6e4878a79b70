// An event about to be published: already validated, not yet numbered or encoded.
#pragma once

#include <string>

namespace ssehub {

struct event_draft {
    std::string topic;
    std::string event = "message";
    std::string payload; // the text of the data lines
};

} // namespace ssehub
