#include "ssehub/http/subscriber_auth.hpp"

#include "ssehub/hub/topic_filter.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>

namespace ssehub {
namespace {

constexpr std::string_view b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::optional<std::string> base64url_decode(std::string_view in)
{
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        auto const v = b64url.find(c);
        if (v == std::string_view::npos)
            return std::nullopt; // padding and the standard alphabet are not base64url
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<unsigned char const*>(data.data()),
         data.size(), mac.data(), &len);
    return std::string(reinterpret_cast<char const*>(mac.data()), len);
}

} // namespace

bool topic_grant::allows(std::string_view topic) const
{
    return all_topics || std::find(topics.begin(), topics.end(), topic) != topics.end();
}

std::variant<topic_grant, std::string> verify_subscriber_token(std::string_view token, std::string_view secret,
                                                               std::int64_t now)
{
    auto const dot1 = token.find('.');
    auto const dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return "malformed token";
    auto const signature = base64url_decode(token.substr(dot2 + 1));
    auto const expected = hmac_sha256(secret, token.substr(0, dot2));
    if (!signature || signature->size() != expected.size()
        || CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
        return "bad token signature";

    auto const header = base64url_decode(token.substr(0, dot1));
    auto const payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    boost::system::error_code ec;
    auto const h = header ? boost::json::parse(*header, ec) : boost::json::value{};
    if (!header || ec || !h.is_object() || !h.as_object().contains("alg") || h.at("alg") != "HS256")
        return "token header must say alg HS256";
    auto const p = payload ? boost::json::parse(*payload, ec) : boost::json::value{};
    if (!payload || ec || !p.is_object())
        return "malformed token claims";
    auto const& claims = p.as_object();
    topic_grant grant;
    if (auto const* exp = claims.if_contains("exp")) {
        if (!exp->is_number() || exp->to_number<double>() <= static_cast<double>(now))
            return "token expired";
        grant.expires_at = exp->to_number<double>(); // an open stream ends then too
    }
    auto const* topics = claims.if_contains("topics");
    // No claim grants nothing: a token minted for another purpose must not read every topic.
    if (!topics)
        return "the token has no topics claim (an array of topics, or \"*\" for every topic)";
    if (topics->is_string() && topics->as_string() == "*") {
        grant.all_topics = true;
        return grant;
    }
    if (!topics->is_array())
        return "the topics claim must be an array of topics or \"*\"";
    for (auto const& t : topics->as_array()) {
        if (!t.is_string() || !is_valid_topic(t.as_string()))
            return "the topics claim must be an array of topics or \"*\"";
        grant.topics.emplace_back(t.as_string());
    }
    return grant;
}

std::optional<std::string> find_subscriber_token(std::optional<std::string> const& query_token,
                                                 std::string_view cookie_header)
{
    if (query_token)
        return query_token;
    while (!cookie_header.empty()) {
        auto const semi = cookie_header.find(';');
        auto pair = cookie_header.substr(0, semi);
        cookie_header = semi == std::string_view::npos ? std::string_view{} : cookie_header.substr(semi + 1);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        if (pair.starts_with("ssehub_token="))
            return std::string(pair.substr(13));
    }
    return std::nullopt;
}

} // namespace ssehub
