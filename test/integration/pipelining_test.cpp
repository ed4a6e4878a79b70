// HTTP/1.1 pipelining: the answers to requests that arrive together are gathered and sent
// together (http/answer_batch), but never held while the server waits for anything, and never
// out of order with what follows them on the connection.
#include "support/test_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using namespace ssehub;
using namespace ssehub::test;

namespace {

using clock = std::chrono::steady_clock;

std::string publish_text(std::string const& token, std::string const& body, bool close = false)
{
    return "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n" + body;
}

std::uint64_t only_id(http_reply const& r)
{
    auto const ids = boost::json::parse(r.body).as_object().at("ids").as_array();
    BOOST_TEST_REQUIRE(ids.size() == 1u);
    return std::stoull(std::string(ids[0].as_string())); // ids are strings, as in the stream
}

} // namespace

BOOST_AUTO_TEST_SUITE(pipelining_test)

BOOST_AUTO_TEST_CASE(thirty_two_pipelined_publishes_are_answered_in_order_each_with_its_own_id)
{
    running_server s(test_config());
    sse_client watcher(s.port(), "/events?topic=t");
    BOOST_TEST_REQUIRE(watcher.head().status == 200);
    constexpr int n = 32;
    std::string all;
    for (int i = 0; i < n; ++i)
        all += publish_text(s.token(), R"({"topic":"t","data":)" + std::to_string(i) + "}", i == n - 1);
    auto const r = raw_exchange(s.port(), all, 5s);
    BOOST_TEST_REQUIRE(r.replies.size() == static_cast<std::size_t>(n));
    BOOST_TEST(r.closed);
    BOOST_TEST(r.unparsed.empty());
    auto const first = only_id(r.replies[0]);
    for (int i = 0; i < n; ++i) {
        BOOST_TEST_REQUIRE(r.replies[i].status == 202);
        BOOST_TEST(only_id(r.replies[i]) == first + i);
    }
    for (int i = 0; i < n; ++i) {
        auto const e = watcher.next_event();
        BOOST_TEST_REQUIRE(e.has_value());
        BOOST_TEST(e->data == std::to_string(i));
        BOOST_TEST(e->last_event_id == std::to_string(first + i));
    }
}

// Was a bug while writing the batch: an answer held for a pipelined request must not wait for
// the next request to be complete (a client may send the rest only later).
BOOST_AUTO_TEST_CASE(a_held_answer_goes_out_before_the_server_waits_for_the_rest_of_the_next_request)
{
    running_server s(test_config());
    // The next request's head is cut short, then (second case) its body.
    auto const body = std::string(R"({"topic":"t","data":2})");
    auto const second = publish_text(s.token(), body, true);
    for (auto const cut : {std::size_t{9}, second.size() - 5}) {
        BOOST_TEST_CONTEXT("cut at " << cut)
        {
            connection c(s.port());
            BOOST_TEST_REQUIRE(c.send(publish_text(s.token(), R"({"topic":"t","data":1})") + second.substr(0, cut)));
            auto const a = c.read_reply(2s);
            BOOST_TEST_REQUIRE(a.has_value());
            BOOST_TEST(a->status == 202);
            BOOST_TEST_REQUIRE(c.send(second.substr(cut)));
            auto const b = c.read_reply(2s);
            BOOST_TEST_REQUIRE(b.has_value());
            BOOST_TEST(b->status == 202);
            BOOST_TEST(only_id(*b) == only_id(*a) + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_stream_or_a_file_after_pipelined_requests_follows_their_answers)
{
    running_server s(test_config());
    std::string const healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    {
        connection c(s.port());
        BOOST_TEST_REQUIRE(c.send(healthz + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /events?topic=t HTTP/1.1\r\nHost: x\r\n\r\n"));
        BOOST_TEST(c.read_until(clock::now() + 3s, [](std::string const& b) { return b.find("retry:") != std::string::npos; }));
        auto const& got = c.received();
        auto const ok = got.find(R"({"status":"ok"})");
        auto const not_found = got.find("HTTP/1.1 404 ");
        auto const stream = got.find("text/event-stream");
        BOOST_TEST_REQUIRE(ok != std::string::npos);
        BOOST_TEST_REQUIRE(not_found != std::string::npos);
        BOOST_TEST_REQUIRE(stream != std::string::npos);
        BOOST_TEST(ok < not_found);
        BOOST_TEST(not_found < stream);
    }
    auto const r = raw_exchange(s.port(), healthz + healthz + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST_REQUIRE(r.replies.size() == 3u);
    BOOST_TEST(r.replies[0].body == R"({"status":"ok"})");
    BOOST_TEST(r.replies[1].body == R"({"status":"ok"})");
    BOOST_TEST(r.replies[2].status == 200);
    BOOST_TEST(r.replies[2].body.find("<html") != std::string::npos);
    BOOST_TEST(r.closed);
}

// A request refused while being read (here: a body over max_body_bytes) is answered after the
// answers held before it.
BOOST_AUTO_TEST_CASE(a_refused_pipelined_request_is_answered_after_the_held_answers)
{
    auto cfg = test_config();
    cfg.max_body_bytes = 64;
    running_server s(cfg);
    auto const big = std::string(R"({"topic":"t","data":")") + std::string(100, 'x') + "\"}";
    auto const r = raw_exchange(s.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + publish_text(s.token(), big));
    BOOST_TEST_REQUIRE(r.replies.size() == 2u);
    BOOST_TEST(r.replies[0].status == 200);
    BOOST_TEST(r.replies[1].status == 413);
}

BOOST_AUTO_TEST_SUITE_END()
