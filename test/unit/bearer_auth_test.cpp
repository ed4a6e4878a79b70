// http/bearer_auth: "Authorization: Bearer <token>" with exactly the configured token.
#include "ssehub/http/bearer_auth.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

using ssehub::bearer_matches;
using ssehub::generate_token;
using namespace std::string_literals;

namespace {

constexpr std::string_view token = "s3cr3t-Token_42";

} // namespace

BOOST_AUTO_TEST_SUITE(bearer_auth_test)

BOOST_AUTO_TEST_CASE(the_exact_token_matches)
{
    BOOST_TEST(bearer_matches("Bearer s3cr3t-Token_42", token));
}

BOOST_AUTO_TEST_CASE(the_scheme_is_case_insensitive)
{
    for (std::string_view scheme : {"bearer", "BEARER", "bEaReR", "Bearer"})
        BOOST_TEST(bearer_matches(std::string(scheme) + " " + std::string(token), token), scheme);
}

BOOST_AUTO_TEST_CASE(the_token_is_case_sensitive)
{
    BOOST_TEST(!bearer_matches("Bearer s3cr3t-token_42", token));
    BOOST_TEST(!bearer_matches("Bearer S3CR3T-TOKEN_42", token));
}

BOOST_AUTO_TEST_CASE(wrong_short_long_and_empty_tokens_do_not_match)
{
    for (std::string const& header : {"Bearer s3cr3t-Token_43"s, "Bearer x3cr3t-Token_42"s, "Bearer s3cr3t-Token_4"s,
                                      "Bearer s3cr3t-Token_421"s, "Bearer s3cr3t-Token_42 "s, "Bearer  s3cr3t-Token_42"s,
                                      "Bearer "s, "Bearer"s, ""s, "s3cr3t-Token_42"s, "Basic s3cr3t-Token_42"s,
                                      "Bearers3cr3t-Token_42"s, "Bearer\ts3cr3t-Token_42"s, "Token s3cr3t-Token_42"s,
                                      "Bearer s3cr3t-Token_42s3cr3t-Token_42"s})
        BOOST_TEST(!bearer_matches(header, token), "matched [" << header << "]");
}

BOOST_AUTO_TEST_CASE(a_repeating_prefix_of_the_token_does_not_match)
{
    // A short guess is compared cyclically so it costs a full-length loop; it must still fail.
    BOOST_TEST(!bearer_matches("Bearer ab", "abab"));
    BOOST_TEST(!bearer_matches("Bearer a", "aaaa"));
    BOOST_TEST(!bearer_matches("Bearer abababab", "abab"));
    BOOST_TEST(bearer_matches("Bearer abab", "abab"));
}

BOOST_AUTO_TEST_CASE(an_empty_configured_token_never_matches)
{
    for (std::string_view header : {"Bearer ", "Bearer", "", "bearer ", "Bearer x"})
        BOOST_TEST(!bearer_matches(header, ""), "matched [" << header << "]");
}

// Was a bug: bearer_auth.cpp folded case with `| 0x20` on every byte of "Bearer ", so a NUL
// (0x00 | 0x20 == ' ') is taken for the space after the scheme. Compare the space exactly and
// fold only the letters (e.g. `authorization[6] == ' '` plus a tolower on bytes 0..5).
BOOST_AUTO_TEST_CASE(a_nul_instead_of_the_space_does_not_match)
{
    BOOST_TEST(!bearer_matches("Bearer\0s3cr3t-Token_42"s, token));
}

BOOST_AUTO_TEST_CASE(generated_tokens_are_64_lowercase_hex_characters)
{
    auto const t = generate_token();
    BOOST_TEST(t.size() == 64u);
    BOOST_TEST(std::all_of(t.begin(), t.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }),
               t);
    BOOST_TEST(bearer_matches("Bearer " + t, t));
}

BOOST_AUTO_TEST_CASE(generated_tokens_differ_and_use_many_digits)
{
    std::set<std::string> seen;
    for (int i = 0; i < 8; ++i)
        seen.insert(generate_token());
    BOOST_TEST(seen.size() == 8u);
    // 256 random bits: every one of the 16 hex digits shows up across 8 tokens (512 characters).
    std::set<char> digits;
    for (auto const& t : seen)
        digits.insert(t.begin(), t.end());
    BOOST_TEST(digits.size() == 16u);
}

BOOST_AUTO_TEST_SUITE_END()
