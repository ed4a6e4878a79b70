// What the HTTP layer needs of the configuration: the server builds it from its config (which
// http/ cannot see), as it builds hub_options and delivery_options.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ssehub {

struct http_options {
    std::size_t max_header_bytes = 8192; // request line and headers (431 beyond)
    std::size_t max_url_bytes = 4096;    // request target (414 beyond)
    std::size_t max_body_bytes = 1 << 20; // request body (413 beyond)
    std::chrono::milliseconds request_timeout{10000}; // to receive a whole request
    std::chrono::milliseconds idle_timeout{30000};    // keep-alive wait for the next request
    std::chrono::milliseconds publish_wait{1000};     // longest a 202 is held for the fan-out
    std::chrono::milliseconds retry{3000};            // retry: of a stream; Retry-After at shutdown
    std::chrono::milliseconds overload_retry{30000};  // base retry: over capacity (jittered to 2x)
    std::string publish_token;     // the effective Bearer token of POST /publish
    std::string subscriber_secret; // empty: /events needs no token
    std::string cors_origins;      // comma-separated allowlist; "*": any origin, no credentials
    std::string default_topic = "default";
};

} // namespace ssehub
