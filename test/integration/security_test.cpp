// Subscriber tokens, CORS and secrets in logs, against the real server.
#include "support/test_client.hpp"

#include "ssehub/server/server.hpp"
#include "support/subscriber_token.hpp"

#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

using namespace ssehub;
using namespace ssehub::test;

namespace {

// Reads from `fd` into `out` until `out` holds `needle` (true), the peer closes or `deadline`
// passes (false). With an empty needle: until the peer closes (true) or the deadline (false).
bool read_until(int fd, std::string& out, std::string_view needle, std::chrono::steady_clock::time_point deadline)
{
    for (;;) {
        if (!needle.empty() && out.find(needle) != std::string::npos)
            return true;
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            return false;
        char buf[4096];
        auto const n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return needle.empty();
        out.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace

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

BOOST_AUTO_TEST_CASE(an_open_stream_ends_with_a_retry_hint_once_its_token_expires)
{
    // Was a bug: exp was checked only when the stream opened; an open stream went on receiving
    // after its token had expired.
    using namespace std::chrono;
    auto cfg = test_config();
    cfg.subscriber_secret = "sub-secret";
    cfg.retry_ms = 1234;
    cfg.heartbeat_ms = 60000; // no heartbeat among the bytes compared; the sweep still runs each second
    running_server s(cfg);
    auto const exp = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 2;
    auto const expires = system_clock::time_point(seconds(exp));
    auto const expiring = sign_subscriber_token(R"({"topics":["a"],"exp":)" + std::to_string(exp) + "}", "sub-secret");
    auto const lasting = sign_subscriber_token(R"({"topics":["a"]})", "sub-secret");
    int const fd = connect_loopback(s.port());
    send_all(fd, "GET /events?topic=a&access_token=" + expiring + " HTTP/1.1\r\nHost: x\r\n\r\n");
    sse_client unaffected(s.port(), "/events?topic=a&access_token=" + lasting);
    std::string got;
    BOOST_REQUIRE(read_until(fd, got, ": ssehub stream open", steady_clock::now() + 5s));
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"({"topic":"a","data":"before"})", s.token()).status, 202);
    BOOST_REQUIRE(read_until(fd, got, "data: before", steady_clock::now() + 5s));
    BOOST_TEST((system_clock::now() < expires)); // it was served while the token held

    // Within a sweep (1 s) of exp the stream ends, gracefully: the cause, a retry: hint, a close.
    bool const closed = read_until(fd, got, {}, steady_clock::now() + 5s);
    auto const closed_at = system_clock::now();
    ::close(fd);
    BOOST_REQUIRE(closed);
    BOOST_TEST((closed_at + 50ms >= expires));
    BOOST_TEST((closed_at <= expires + 1500ms),
               duration_cast<milliseconds>(closed_at - expires).count() << " ms after exp");
    BOOST_TEST(got.ends_with("data: before\n\n: token expired\n\nretry: 1234\n\n"), got.substr(got.rfind("data:")));

    // A token without exp keeps its stream.
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"({"topic":"a","data":"after"})", s.token()).status, 202);
    auto const kept = unaffected.events(2, 5s);
    BOOST_REQUIRE_EQUAL(kept.size(), 2u);
    BOOST_TEST(kept[0].data == "before");
    BOOST_TEST(kept[1].data == "after");
    BOOST_TEST(!unaffected.wait_closed(100ms));
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

// Was a bug: with cors_origins "*", /events and /publish reflected any Origin with
// Access-Control-Allow-Credentials: true, so any site could read a signed-in user's stream
// (token in the ssehub_token cookie) with EventSource(..., {withCredentials: true}).
BOOST_AUTO_TEST_CASE(a_wildcard_origin_list_never_grants_credentials)
{
    auto cfg = test_config();
    cfg.cors_origins = "*";
    cfg.subscriber_secret = "s";
    running_server s(cfg);
    auto const token = sign_subscriber_token(R"({"topics":["a"]})", "s");
    for (std::string path : {"/events", "/publish"}) {
        auto const pre = http_exchange(s.port(), "OPTIONS " + path + " HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
                                                 "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
        BOOST_TEST(pre.status == 204, path);
        BOOST_TEST(pre.header("access-control-allow-origin") == "*", path);
        BOOST_TEST(pre.header("access-control-allow-credentials").empty(), path);
    }
    sse_client c(s.port(), "/events?topic=a", "Origin: https://evil.example\r\nCookie: ssehub_token=" + token + "\r\n");
    BOOST_TEST(c.head().status == 200);
    BOOST_TEST(c.head().header("access-control-allow-origin") == "*");
    BOOST_TEST(c.head().header("access-control-allow-credentials").empty());
    auto const pub = http_exchange(s.port(), "POST /publish HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
                                             "Authorization: Bearer " + s.token() + "\r\nContent-Type: application/json\r\n"
                                             "Content-Length: 10\r\nConnection: close\r\n\r\n{\"data\":1}");
    BOOST_TEST(pub.status == 202);
    BOOST_TEST(pub.header("access-control-allow-origin") == "*");
    BOOST_TEST(pub.header("access-control-allow-credentials").empty());
}

BOOST_AUTO_TEST_CASE(a_listed_origin_gets_credentials_on_the_stream_and_its_preflight)
{
    auto cfg = test_config();
    cfg.cors_origins = "https://app.example";
    cfg.subscriber_secret = "s";
    running_server s(cfg);
    auto const token = sign_subscriber_token(R"({"topics":["a"]})", "s");
    auto const pre = http_exchange(s.port(), "OPTIONS /events HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                                             "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
    BOOST_TEST(pre.status == 204);
    BOOST_TEST(pre.header("access-control-allow-origin") == "https://app.example");
    BOOST_TEST(pre.header("access-control-allow-credentials") == "true");
    BOOST_TEST(pre.header("vary") == "Origin");
    sse_client c(s.port(), "/events?topic=a", "Origin: https://app.example\r\nCookie: ssehub_token=" + token + "\r\n");
    BOOST_TEST(c.head().status == 200);
    BOOST_TEST(c.head().header("access-control-allow-origin") == "https://app.example");
    BOOST_TEST(c.head().header("access-control-allow-credentials") == "true");
    BOOST_TEST(c.head().header("vary") == "Origin");
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
