#include "ssehub/backplane/redis_url.hpp"

#include <charconv>

namespace ssehub {
namespace {

bool parse_number(std::string_view text, std::int64_t max, std::int64_t& out)
{
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && out >= 0 && out <= max;
}

} // namespace

std::string redis_url::redacted() const
{
    if (!socket_path.empty())
        return "unix://" + socket_path;
    std::string out = "redis://";
    if (!user.empty() || !password.empty())
        out += user + (password.empty() ? "" : ":***") + "@";
    out += (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    if (db != 0)
        out += "/" + std::to_string(db);
    return out;
}

std::variant<redis_url, std::string> parse_redis_url(std::string_view text)
{
    redis_url url;
    if (text.starts_with("unix://")) {
        url.socket_path = std::string(text.substr(7));
        if (url.socket_path.empty() || url.socket_path.front() != '/')
            return std::string("a unix:// URL needs an absolute socket path (unix:///run/redis/redis.sock)");
        return url;
    }
    if (!text.starts_with("redis://"))
        return std::string("expected redis://[user:password@]host:port[/db] or unix:///path");
    auto rest = text.substr(8);
    // The credentials end at the last '@': a password may itself contain one.
    if (auto const at = rest.rfind('@'); at != std::string_view::npos) {
        auto const credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto const colon = credentials.find(':');
        url.user = std::string(credentials.substr(0, colon));
        if (colon != std::string_view::npos)
            url.password = std::string(credentials.substr(colon + 1));
    }
    auto const slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        auto const db = rest.substr(slash + 1);
        if (!db.empty() && !parse_number(db, 1'000'000, url.db))
            return "'" + std::string(db.substr(0, 40)) + "' is not a database number";
    }
    if (authority.starts_with("[")) { // [::1]:6379
        auto const close = authority.find(']');
        if (close == std::string_view::npos)
            return std::string("unterminated [ in the host");
        url.host = std::string(authority.substr(1, close - 1));
        authority = authority.substr(close + 1);
        if (!authority.empty() && authority.front() != ':')
            return std::string("expected :port after the bracketed host");
    } else {
        auto const colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        authority = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    }
    if (url.host.empty())
        return std::string("the URL names no host");
    if (!authority.empty()) {
        std::int64_t port = 0;
        if (!parse_number(authority.substr(1), 65535, port) || port == 0)
            return "'" + std::string(authority.substr(1, 10)) + "' is not a port (1-65535)";
        url.port = static_cast<std::uint16_t>(port);
    }
    return url;
}

} // namespace ssehub
