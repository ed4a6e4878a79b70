// Where the Redis backplane connects: redis://[user:password@]host:port[/db] or
// unix:///path/to/socket. Pure parsing, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ssehub {

struct redis_url {
    std::string host;        // empty for a unix socket
    std::uint16_t port = 6379;
    std::string socket_path; // unix:///path: the socket, else empty
    std::string user;        // empty: AUTH with the password alone (or no AUTH)
    std::string password;    // never logged: see redacted()
    std::int64_t db = 0;

    // The URL with the password replaced by "***", for logs and errors.
    std::string redacted() const;
};

// The parsed URL, or why it is not one (the message never contains the password).
std::variant<redis_url, std::string> parse_redis_url(std::string_view text);

} // namespace ssehub
