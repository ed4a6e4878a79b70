#include "support/subscriber_token.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>

namespace ssehub::test {
namespace {

std::string base64url_encode(std::string_view in)
{
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        out += alphabet[(acc << (6 - bits)) & 0x3f];
    return out; // no padding: JWT's base64url has none
}

} // namespace

std::string sign_subscriber_token(std::string_view claims_json, std::string_view secret)
{
    auto const signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims_json);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<unsigned char const*>(signing_input.data()), signing_input.size(), mac.data(), &len);
    return signing_input + "." + base64url_encode(std::string_view(reinterpret_cast<char const*>(mac.data()), len));
}

} // namespace ssehub::test
