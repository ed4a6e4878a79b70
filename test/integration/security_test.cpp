// Subscriber tokens, CORS and secrets in logs, against the real server.
#include "support/test_client.hpp"

#include "ssehub/http/subscriber_auth.hpp"
#include "ssehub/server/server.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace ssehub;
using namespace ssehub::test;

BOOST_AUTO_TEST_SUITE(security_test)

BOOST_AUTO_TEST_CASE(subscriber_tokens_limit_the_topics_read)
{
    auto cfg = test_config();
    cfg.subscriber_secret = "sub-secret";
    running_server s(cfg);
    BOOST_TEST(http_get(s.port(), "/events").status == 401);
    BOOST_TEST(http_get(s.port(), "/events?access_token=garbage").status == 401);
    auto const forged = sign_subscriber_token(R"({"topics":["a"]})", "wrong-secret");
    BOOST_TEST(http_get(s.port(), "/events?access_token=" + forged).status == 401);
    auto const token = sign_subscriber_token(R"({"topics":["a"]})", "sub-secret");
    BOOST_TEST(http_get(s.port(), "/events?topic=b&access_token=" + token).status == 403);

    // No topic asked: every topic the token allows, and nothing else.
    sse_client by_query(s.port(), "/events?access_token=" + token);
    BOOST_TEST(by_query.head().status == 200);
    sse_client by_cookie(s.port(), "/events?topic=a", "Cookie: theme=dark; ssehub_token=" + token + "\r\n");
    BOOST_TEST(by_cookie.head().status == 200);
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"([{"topic":"b","data":"secret"},{"topic":"a","data":"ok"}])", s.token()).status, 202);
    for (auto* c : {&by_query, &by_cookie}) {
        auto const e = c->next_event();
        BOOST_REQUIRE(e);
        BOOST_TEST(e->data == "ok");
    }
}

// Was a bug: a token signed with the secret but without a topics claim read every topic.
BOOST_AUTO_TEST_CASE(a_token_without_a_topics_claim_reads_nothing)
{
    auto cfg = test_config();
    cfg.subscriber_secret = "sub-secret";
    running_server s(cfg);
    for (std::string const claims : {R"({})", R"({"sub":"x"})", R"({"topics":null})", R"({"topics":"a"})"}) {
        BOOST_TEST_CONTEXT("claims " << claims)
        {
            auto const token = sign_subscriber_token(claims, "sub-secret");
            for (std::string const target : {"/events?topic=secret&access_token=", "/events?access_token="}) {
                auto const r = http_get(s.port(), target + token);
                BOOST_TEST(r.status == 401);
                BOOST_TEST(r.body.find("topics claim") != std::string::npos, r.body);
            }
        }
    }
    // Every topic stays grantable, explicitly.
    auto const all = sign_subscriber_token(R"({"topics":"*"})", "sub-secret");
    sse_client named(s.port(), "/events?topic=secret&access_token=" + all);
    sse_client unfiltered(s.port(), "/events?access_token=" + all);
    BOOST_TEST(named.head().status == 200);
    BOOST_TEST(unfiltered.head().status == 200);
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"({"topic":"secret","data":"for star"})", s.token()).status, 202);
    for (auto* c : {&named, &unfiltered}) {
        auto const e = c->next_event();
        BOOST_REQUIRE(e);
        BOOST_TEST(e->data == "for star");
    }
}

BOOST_AUTO_TEST_CASE(cors_allowlist_for_events_and_publish)
{
    auto cfg = test_config();
    cfg.cors_origins = "https://app.example, https://other.example";
    running_server s(cfg);
    auto const pre = http_exchange(s.port(), "OPTIONS /events HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                                             "Access-Control-Request-Method: GET\r\n"
                                             "Access-Control-Request-Headers: last-event-id\r\nConnection: close\r\n\r\n");
    BOOST_TEST(pre.status == 204);
    BOOST_TEST(pre.header("access-control-allow-origin") == "https://app.example");
    BOOST_TEST(pre.header("access-control-allow-headers").find("Last-Event-ID") != std::string::npos);
    auto const pre_pub = http_exchange(s.port(), "OPTIONS /publish HTTP/1.1\r\nHost: x\r\nOrigin: https://other.example\r\n"
                                                 "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
    BOOST_TEST(pre_pub.status == 204);
    BOOST_TEST(pre_pub.header("access-control-allow-headers").find("Authorization") != std::string::npos);
    auto const evil = http_exchange(s.port(), "OPTIONS /publish HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
                                              "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
    BOOST_TEST(evil.status == 403);
    BOOST_TEST(evil.header("access-control-allow-origin").empty());

    sse_client c(s.port(), "/events", "Origin: https://app.example\r\n");
    BOOST_TEST(c.head().header("access-control-allow-origin") == "https://app.example");
    BOOST_TEST(c.head().header("vary") == "Origin");
    sse_client other(s.port(), "/events", "Origin: https://evil.example\r\n");
    BOOST_TEST(other.head().header("access-control-allow-origin").empty());
}

BOOST_AUTO_TEST_CASE(secrets_never_reach_the_log)
{
    std::string const token = "publish-secret-7f3a";
    std::string const sub_secret = "subscriber-secret-91bc";
    child_process p({"--bind", "127.0.0.1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static",
                     "--ticker-interval-ms", "0", "--log-level", "trace", "--subscriber-secret", sub_secret},
                    {"SSEHUB_PUBLISH_TOKEN=" + token});
    auto const port = p.wait_for_port();
    auto const sub_token = sign_subscriber_token(R"({"topics":"*"})", sub_secret);
    BOOST_TEST(http_publish(port, R"({"data":1})", token).status == 202);
    BOOST_TEST(http_publish(port, R"({"data":1})", token + "x").status == 401);
    BOOST_TEST(http_get(port, "/events?access_token=" + sub_token + "x").status == 401);
    {
        sse_client c(port, "/events?access_token=" + sub_token);
        BOOST_TEST(c.head().status == 200);
    }
    p.signal(SIGTERM);
    BOOST_TEST(p.wait_exit(6s).value_or(-1) == 0);
    auto const out = p.output();
    BOOST_TEST(out.find("status=202") != std::string::npos); // the requests were logged...
    BOOST_TEST(out.find(token) == std::string::npos);        // ...without the secrets
    BOOST_TEST(out.find(sub_secret) == std::string::npos);
    BOOST_TEST(out.find(sub_token.substr(sub_token.rfind('.'))) == std::string::npos);
    BOOST_TEST(out.find("publish token (generated") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_generated_token_is_printed_once_and_works)
{
    child_process p({"--bind", "127.0.0.1", "--port", "0", "--static-root", SSEHUB_SOURCE_DIR "/static"});
    auto const port = p.wait_for_port();
    auto const out = p.output();
    auto const at = out.find("): ");
    BOOST_REQUIRE(at != std::string::npos);
    auto const token = out.substr(at + 3, 64);
    BOOST_TEST(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(http_publish(port, R"({"data":1})", "").status == 401); // never open by default
    BOOST_TEST(http_publish(port, R"({"data":1})", token).status == 202);
    p.signal(SIGTERM);
    BOOST_TEST(p.wait_exit(6s).value_or(-1) == 0);
    auto const all = p.output();
    BOOST_TEST(all.find(token) == all.rfind(token)); // printed once
}

BOOST_AUTO_TEST_SUITE_END()
