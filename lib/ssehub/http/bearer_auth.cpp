#include "ssehub/http/bearer_auth.hpp"

#include <cctype>
#include <random>

namespace ssehub {

bool bearer_matches(std::string_view authorization, std::string_view token)
{
    constexpr std::string_view scheme = "Bearer ";
    if (token.empty() || authorization.size() < scheme.size())
        return false;
    // The scheme is case-insensitive (RFC 9110); the space after it and the token are not.
    for (std::size_t i = 0; i + 1 < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != std::tolower(static_cast<unsigned char>(scheme[i])))
            return false;
    if (authorization[scheme.size() - 1] != ' ')
        return false;
    auto const given = authorization.substr(scheme.size());
    unsigned diff = given.size() == token.size() ? 0u : 1u;
    for (std::size_t i = 0; i < token.size(); ++i) {
        // Index modulo the given length so a short guess still costs a full-length loop.
        char const g = given.empty() ? '\0' : given[i % given.size()];
        diff |= static_cast<unsigned char>(g ^ token[i]);
    }
    return diff == 0;
}

std::string generate_token()
{
    std::random_device rd; // /dev/urandom on Linux
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i) {
        auto v = rd();
        for (int j = 0; j < 8; ++j, v >>= 4)
            out += hex[v & 0xf];
    }
    return out;
}

} // namespace ssehub
