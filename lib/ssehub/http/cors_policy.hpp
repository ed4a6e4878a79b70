// Cross-origin access to /events and /publish: an allowlist of origins from configuration.
// Only an origin listed by name gets credentials (cookies): "*" lets any page read without
// them, so a foreign page can never read a signed-in user's stream.
#pragma once

#include "ssehub/http/responses.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ssehub {

// What the CORS headers of one answer say.
struct cors_grant {
    std::string_view allow_origin; // empty: no Access-Control-Allow-Origin
    bool credentials = false;      // Access-Control-Allow-Credentials: true
    bool vary_origin = false;      // Vary: Origin (the answer depends on the request's Origin)
};

// Immutable after construction: safe to use from every io thread.
class cors_policy {
public:
    // `list`: comma-separated origins; "*" allows any, without credentials. Empty: no
    // cross-origin access.
    explicit cors_policy(std::string_view list);

    cors_grant grant(request const& req) const;

    // The grant's headers on `res`.
    void add_headers(request const& req, response& res) const;

    // The same headers as raw lines ("Name: value\r\n"), for a hand-written response head.
    std::string header_lines(request const& req) const;

    // The answer to an OPTIONS preflight for /events or /publish.
    response preflight(request const& req, std::string_view path) const;

private:
    std::vector<std::string> named_;
    bool any_ = false;
};

} // namespace ssehub
