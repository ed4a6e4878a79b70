// Cross-origin access to /events and /publish: an allowlist of origins from configuration.
#pragma once

#include "ssehub/http/responses.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssehub {

// Immutable after construction: safe to use from every io thread.
class cors_policy {
public:
    // `list`: comma-separated origins; "*" allows any. Empty: no cross-origin access.
    explicit cors_policy(std::string_view list);

    // The request's Origin when it is allowed.
    std::optional<std::string_view> allowed_origin(request const& req) const;

    // Access-Control-Allow-Origin/-Credentials and Vary on `res` when the origin is allowed.
    void add_headers(request const& req, response& res) const;

    // The same headers as raw lines ("Name: value\r\n"), for a hand-written response head.
    std::string header_lines(request const& req) const;

    // The answer to an OPTIONS preflight for /events or /publish.
    response preflight(request const& req, std::string_view path) const;

private:
    std::vector<std::string> origins_;
};

} // namespace ssehub
