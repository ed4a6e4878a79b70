// http/cors_policy: origins listed by name get credentials; "*" lets any origin read without
// them; an origin not allowed gets no CORS headers and 403 on a preflight.
#include "ssehub/http/cors_policy.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace http = boost::beast::http;
using ssehub::cors_policy;
using ssehub::request;
using ssehub::response;

namespace {

request from(std::string const& origin, http::verb method = http::verb::get, std::string const& target = "/events")
{
    request req{method, target, 11};
    req.set(http::field::host, "hub.example");
    if (!origin.empty())
        req.set(http::field::origin, origin);
    return req;
}

response answered(cors_policy const& p, request const& req)
{
    response res{http::status::ok, 11};
    p.add_headers(req, res);
    return res;
}

std::string header(response const& res, http::field f) { return std::string(res[f]); }

} // namespace

BOOST_AUTO_TEST_SUITE(cors_policy_test)

BOOST_AUTO_TEST_CASE(a_listed_origin_is_reflected_with_credentials_and_vary)
{
    cors_policy const p("https://app.example, https://other.example");
    auto const res = answered(p, from("https://other.example"));
    BOOST_TEST(header(res, http::field::access_control_allow_origin) == "https://other.example");
    BOOST_TEST(header(res, http::field::access_control_allow_credentials) == "true");
    BOOST_TEST(header(res, http::field::vary) == "Origin");
    BOOST_TEST(p.header_lines(from("https://app.example"))
               == "Access-Control-Allow-Origin: https://app.example\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n");
}

BOOST_AUTO_TEST_CASE(an_origin_not_listed_gets_no_cors_headers_but_vary)
{
    cors_policy const p("https://app.example");
    auto const res = answered(p, from("https://evil.example"));
    BOOST_TEST(header(res, http::field::access_control_allow_origin).empty());
    BOOST_TEST(header(res, http::field::access_control_allow_credentials).empty());
    // The answer depends on the Origin: a cache must not give this one to app.example.
    BOOST_TEST(header(res, http::field::vary) == "Origin");
    BOOST_TEST(p.header_lines(from("https://evil.example")) == "Vary: Origin\r\n");
}

BOOST_AUTO_TEST_CASE(no_list_means_no_cross_origin_access)
{
    cors_policy const p("");
    auto const res = answered(p, from("https://app.example"));
    BOOST_TEST(header(res, http::field::access_control_allow_origin).empty());
    BOOST_TEST(p.header_lines(from("https://app.example")).empty());
    BOOST_TEST(p.preflight(from("https://app.example", http::verb::options), "/events").result() == http::status::forbidden);
}

// Was a bug: "*" reflected the request's Origin with Access-Control-Allow-Credentials: true, so
// any web site could read a signed-in user's stream (subscriber token in the ssehub_token cookie).
BOOST_AUTO_TEST_CASE(a_wildcard_answers_star_without_credentials)
{
    cors_policy const p("*");
    auto const res = answered(p, from("https://evil.example"));
    BOOST_TEST(header(res, http::field::access_control_allow_origin) == "*");
    BOOST_TEST(header(res, http::field::access_control_allow_credentials).empty());
    BOOST_TEST(header(res, http::field::vary).empty()); // the same answer for every origin
    BOOST_TEST(p.header_lines(from("https://evil.example")) == "Access-Control-Allow-Origin: *\r\n");
}

BOOST_AUTO_TEST_CASE(a_wildcard_preflight_allows_the_request_without_credentials)
{
    cors_policy const p("*");
    for (std::string path : {"/events", "/publish"}) {
        auto const res = p.preflight(from("https://evil.example", http::verb::options, path), path);
        BOOST_TEST(res.result() == http::status::no_content, path);
        BOOST_TEST(header(res, http::field::access_control_allow_origin) == "*", path);
        BOOST_TEST(header(res, http::field::access_control_allow_credentials).empty(), path);
    }
}

BOOST_AUTO_TEST_CASE(a_wildcard_beside_named_origins_gives_credentials_to_the_named_only)
{
    cors_policy const p("https://app.example,*");
    auto const named = answered(p, from("https://app.example"));
    BOOST_TEST(header(named, http::field::access_control_allow_origin) == "https://app.example");
    BOOST_TEST(header(named, http::field::access_control_allow_credentials) == "true");
    auto const other = answered(p, from("https://evil.example"));
    BOOST_TEST(header(other, http::field::access_control_allow_origin) == "*");
    BOOST_TEST(header(other, http::field::access_control_allow_credentials).empty());
    BOOST_TEST(header(other, http::field::vary) == "Origin");
    auto const pre = p.preflight(from("https://app.example", http::verb::options), "/events");
    BOOST_TEST(header(pre, http::field::access_control_allow_credentials) == "true");
}

BOOST_AUTO_TEST_CASE(a_listed_preflight_names_methods_and_headers_per_path)
{
    cors_policy const p("https://app.example");
    auto const ev = p.preflight(from("https://app.example", http::verb::options), "/events");
    BOOST_TEST(ev.result() == http::status::no_content);
    BOOST_TEST(header(ev, http::field::access_control_allow_methods) == "GET");
    BOOST_TEST(header(ev, http::field::access_control_allow_headers).find("Last-Event-ID") != std::string::npos);
    BOOST_TEST(header(ev, http::field::access_control_allow_credentials) == "true");
    auto const pub = p.preflight(from("https://app.example", http::verb::options, "/publish"), "/publish");
    BOOST_TEST(header(pub, http::field::access_control_allow_methods) == "POST");
    BOOST_TEST(header(pub, http::field::access_control_allow_headers).find("Authorization") != std::string::npos);
    auto const evil = p.preflight(from("https://evil.example", http::verb::options), "/events");
    BOOST_TEST(evil.result() == http::status::forbidden);
    BOOST_TEST(header(evil, http::field::access_control_allow_origin).empty());
}

BOOST_AUTO_TEST_SUITE_END()
