#include "ssehub/http/subscriber_auth.hpp"

#include "support/subscriber_token.hpp"

#include <boost/test/unit_test.hpp>

using namespace ssehub;
using ssehub::test::sign_subscriber_token;

namespace {
constexpr std::int64_t now = 1'800'000'000;

topic_grant grant_of(std::string const& token, std::string const& secret = "s3cret")
{
    auto v = verify_subscriber_token(token, secret, now);
    if (auto const* why = std::get_if<std::string>(&v))
        BOOST_FAIL("refused: " << *why);
    return std::get<topic_grant>(v);
}

std::string refusal_of(std::string const& token, std::string const& secret = "s3cret")
{
    auto v = verify_subscriber_token(token, secret, now);
    BOOST_REQUIRE(std::holds_alternative<std::string>(v));
    return std::get<std::string>(v);
}
} // namespace

BOOST_AUTO_TEST_SUITE(subscriber_auth_test)

BOOST_AUTO_TEST_CASE(a_signed_token_grants_its_topics)
{
    auto const g = grant_of(sign_subscriber_token(R"({"topics":["a","b"],"exp":1900000000})", "s3cret"));
    BOOST_TEST(!g.all_topics);
    BOOST_TEST(g.allows("a"));
    BOOST_TEST(g.allows("b"));
    BOOST_TEST(!g.allows("c"));
}

BOOST_AUTO_TEST_CASE(star_grants_every_topic)
{
    auto const g = grant_of(sign_subscriber_token(R"({"topics":"*"})", "s3cret"));
    BOOST_TEST(g.all_topics);
    BOOST_TEST(g.allows("anything"));
}

// Was a bug: a token signed with the secret but without a topics claim read every topic.
BOOST_AUTO_TEST_CASE(a_missing_or_malformed_topics_claim_is_refused_with_the_reason)
{
    for (std::string const claims : {R"({})", R"({"sub":"x"})", R"({"exp":1900000000})", R"({"topics":null})",
                                     R"({"topics":"a"})", R"({"topics":"**"})", R"({"topics":true})",
                                     R"({"topics":{"a":1}})", R"({"topics":[1]})", R"({"topics":["*"]})",
                                     R"({"topics":["a",null]})", R"({"Topics":"*"})"}) {
        BOOST_TEST_CONTEXT("claims " << claims)
        {
            BOOST_TEST(refusal_of(sign_subscriber_token(claims, "s3cret")).find("topics claim") != std::string::npos);
        }
    }
    BOOST_TEST(grant_of(sign_subscriber_token(R"({"topics":[]})", "s3cret")).topics.empty()); // valid, grants nothing
}

BOOST_AUTO_TEST_CASE(a_known_jwt_from_another_implementation_verifies)
{
    // HS256 over {"alg":"HS256","typ":"JWT"}.{"topics":["news"]} with secret "s3cret",
    // computed independently with base64 and: openssl dgst -sha256 -hmac s3cret -binary
    std::string const expected = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b3BpY3MiOlsibmV3cyJdfQ."
                                 "fypBpKOng5NGFayrxlRIbxUnOBpXF9Hr4iEfKrfulPM";
    BOOST_TEST(sign_subscriber_token(R"({"topics":["news"]})", "s3cret") == expected);
    BOOST_TEST(grant_of(expected).allows("news"));
}

BOOST_AUTO_TEST_CASE(the_grant_carries_the_tokens_expiry_for_the_open_stream)
{
    BOOST_TEST(grant_of(sign_subscriber_token(R"({"topics":"*","exp":1900000000})", "s3cret")).expires_at.value_or(0) == 1900000000.0);
    BOOST_TEST(grant_of(sign_subscriber_token(R"({"topics":["a"],"exp":1800000000.5})", "s3cret")).expires_at.value_or(0) == 1800000000.5);
    BOOST_TEST(!grant_of(sign_subscriber_token(R"({"topics":"*"})", "s3cret")).expires_at);
}

BOOST_AUTO_TEST_CASE(refusals)
{
    auto const good = sign_subscriber_token(R"({"topics":["a"]})", "s3cret");
    BOOST_TEST(refusal_of(good, "other-secret") == "bad token signature");
    auto tampered = good;
    tampered[good.find('.') + 3] ^= 1; // a changed claim keeps the old signature
    BOOST_TEST(refusal_of(tampered).find("signature") != std::string::npos);
    BOOST_TEST(refusal_of(sign_subscriber_token(R"({"exp":1700000000})", "s3cret")) == "token expired");
    BOOST_TEST(refusal_of(sign_subscriber_token(R"({"exp":"soon"})", "s3cret")) == "token expired");
    BOOST_TEST(refusal_of(sign_subscriber_token(R"({"topics":["bad topic"]})", "s3cret")).find("topics") != std::string::npos);
    BOOST_TEST(refusal_of(sign_subscriber_token(R"({"topics":5})", "s3cret")).find("topics") != std::string::npos);
    BOOST_TEST(refusal_of(sign_subscriber_token("[1]", "s3cret")) == "malformed token claims");
    BOOST_TEST(refusal_of("abc") == "malformed token");
    BOOST_TEST(refusal_of("a.b.c.d") == "malformed token");
    BOOST_TEST(refusal_of("..") == "bad token signature");
    BOOST_TEST(refusal_of(good + "=") == "bad token signature"); // padding is not base64url
}

BOOST_AUTO_TEST_CASE(alg_none_is_refused_even_when_unsigned)
{
    // {"alg":"none"} . {} . "" : the classic JWT downgrade must never pass.
    BOOST_TEST(refusal_of("eyJhbGciOiJub25lIn0.e30.") == "bad token signature");
}

BOOST_AUTO_TEST_CASE(token_from_query_or_cookie)
{
    BOOST_TEST(find_subscriber_token(std::string("q"), "ssehub_token=c").value() == "q");
    BOOST_TEST(find_subscriber_token(std::nullopt, "a=1; ssehub_token=c; b=2").value() == "c");
    BOOST_TEST(!find_subscriber_token(std::nullopt, "a=1; xssehub_token=c").has_value());
    BOOST_TEST(!find_subscriber_token(std::nullopt, "").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
