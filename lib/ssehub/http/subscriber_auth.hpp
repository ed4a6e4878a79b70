// Optional subscriber authorization: an HS256-signed JWT that names the topics its bearer may
// read. EventSource cannot set headers, so the token comes in a cookie or a query parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssehub {

// What a valid token grants: the topics it allows (empty with all_topics set: every topic),
// and until when (its `exp`, seconds since the epoch; none: no end).
struct topic_grant {
    bool all_topics = false;
    std::vector<std::string> topics;
    std::optional<double> expires_at;

    bool allows(std::string_view topic) const;
};

// Verifies `token` (header.payload.signature, base64url) against `secret` at time `now`
// (seconds since the epoch): alg must be HS256, the signature must match (compared in constant
// time), `exp` if present must be in the future, `topics` must be an array of valid topic
// names or "*" (every topic); a token without it is refused. Returns the grant or the reason.
std::variant<topic_grant, std::string> verify_subscriber_token(std::string_view token, std::string_view secret,
                                                               std::int64_t now);

// The token of a request: the `access_token` query value, else the `ssehub_token` cookie.
std::optional<std::string> find_subscriber_token(std::optional<std::string> const& query_token,
                                                 std::string_view cookie_header);

} // namespace ssehub
