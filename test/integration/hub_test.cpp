// The hub over loopback: fan-out, replay at the seam, backpressure, concurrent publishers.
#include "support/publish.hpp"
#include "support/tcp_table.hpp"
#include "support/test_client.hpp"

#include "ssehub/hub/hub.hpp"
#include "ssehub/server/server.hpp"

#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

using namespace ssehub;
using namespace ssehub::test;

namespace {

std::string batch_body(int from, int count, std::string const& topic = "t", std::size_t pad = 0)
{
    std::string body = "[";
    for (int i = from; i < from + count; ++i) {
        if (i != from)
            body += ',';
        body += R"({"topic":")" + topic + R"(","event":"e","data":{"i":)" + std::to_string(i) + R"(,"pad":")"
            + std::string(pad, 'x') + "\"}}";
    }
    return body + "]";
}

int index_of(parsed_event const& e)
{
    auto const at = e.data.find("\"i\":");
    return std::stoi(e.data.substr(at + 4));
}

// Reads the stream's opening: what a browser would resume from if cut right now.
std::string opening_position(sse_client& c)
{
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (c.last_event_id().empty() && std::chrono::steady_clock::now() < deadline)
        BOOST_REQUIRE(!c.next_event(50ms)); // no event: only the opening has been sent
    return c.last_event_id();
}

// Two publishes written in one go to a one-thread server: its session handles both before the
// thread's shard gets to pull, so with a small ring the shard finds frames dropped.
void publish_back_to_back(std::uint16_t port, std::string const& token, std::string const& first, std::string const& second)
{
    auto const request = [&](std::string const& body, bool last) {
        return "POST /publish HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
            + (last ? "\r\nConnection: close" : "") + "\r\n\r\n" + body;
    };
    int const fd = connect_loopback(port);
    send_all(fd, request(first, false) + request(second, true));
    auto const answers = read_until_close(fd);
    std::size_t accepted = 0;
    for (auto at = answers.find("HTTP/1.1 202"); at != std::string::npos; at = answers.find("HTTP/1.1 202", at + 1))
        ++accepted;
    BOOST_REQUIRE_MESSAGE(accepted == 2, answers.substr(0, 300));
}

std::uint16_t local_port(int fd)
{
    sockaddr_in address{};
    socklen_t len = sizeof address;
    BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) == 0);
    return ntohs(address.sin_port);
}

// Publishes `total` events of about 60 KB on topic "t", a batch at a time, each read by `fast`
// before the next (so `fast` never falls behind its own bound); checks that it got every one,
// in order.
void publish_big_events_to(running_server& s, sse_client& fast, int total)
{
    constexpr int per_batch = 10; // 600 KB bodies, under max_body_bytes
    std::vector<parsed_event> got;
    for (int b = 0; b < total / per_batch; ++b) {
        BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(b * per_batch, per_batch, "t", 60000), s.token()).status, 202);
        for (auto& e : fast.events(per_batch, 10s))
            got.push_back(std::move(e));
    }
    BOOST_REQUIRE_EQUAL(got.size(), static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i)
        BOOST_REQUIRE_EQUAL(index_of(got[static_cast<std::size_t>(i)]), i);
}

// A server whose first event (index 0) has just gone out to `client`, so that the next pass is
// a whole delivery interval away: a publish right now finds the fan-out lagging behind it.
struct lagging_fanout {
    static config make(std::int64_t interval_us, std::int64_t backlog, std::int64_t wait_ms)
    {
        auto cfg = test_config();
        cfg.delivery_interval_us = interval_us;
        cfg.publish_backlog = backlog;
        cfg.publish_wait_ms = wait_ms;
        return cfg;
    }

    lagging_fanout(std::int64_t interval_us, std::int64_t backlog, std::int64_t wait_ms)
        : server(make(interval_us, backlog, wait_ms))
        , client(server.port(), "/events")
    {
        BOOST_REQUIRE_EQUAL(http_publish(server.port(), batch_body(0, 1), server.token()).status, 202);
        BOOST_REQUIRE_EQUAL(client.events(1, 5s).size(), 1u);
    }

    // Published events that some io thread has not taken for its subscribers yet.
    std::uint64_t untaken() { return server.get().events().next_id() - server.get().events().throttle().taken_by_all(); }

    running_server server;
    sse_client client;
};

} // namespace

BOOST_AUTO_TEST_SUITE(hub_test)

BOOST_AUTO_TEST_CASE(three_subscribers_receive_a_thousand_events_in_order)
{
    running_server s(test_config());
    std::vector<std::unique_ptr<sse_client>> subs;
    for (int i = 0; i < 3; ++i)
        subs.push_back(std::make_unique<sse_client>(s.port(), "/events"));
    for (int b = 0; b < 10; ++b)
        BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(b * 100, 100), s.token()).status, 202);
    for (auto& c : subs) {
        auto const got = c->events(1000, 15s);
        BOOST_REQUIRE_EQUAL(got.size(), 1000u);
        for (int i = 0; i < 1000; ++i) {
            BOOST_TEST(index_of(got[i]) == i);
            BOOST_TEST(got[i].type == "e");
            if (i > 0)
                BOOST_TEST(std::stoull(got[i].last_event_id) == std::stoull(got[i - 1].last_event_id) + 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(publish_returns_ids_that_subscribers_see)
{
    running_server s(test_config());
    sse_client c(s.port(), "/events");
    auto const r = http_publish(s.port(), R"({"topic":"news","event":"update","data":"hello\nworld"})", s.token());
    BOOST_REQUIRE_EQUAL(r.status, 202);
    auto const e = c.next_event();
    BOOST_REQUIRE(e);
    BOOST_TEST(r.body == R"({"ids":[")" + e->last_event_id + R"("]})");
    BOOST_TEST(e->type == "update");
    BOOST_TEST(e->data == "hello\nworld");
}

BOOST_AUTO_TEST_CASE(topics_filter_what_a_subscriber_gets)
{
    running_server s(test_config());
    sse_client a(s.port(), "/events?topic=a");
    sse_client ab(s.port(), "/events?topic=a&topic=b");
    sse_client all(s.port(), "/events");
    BOOST_REQUIRE_EQUAL(http_publish(s.port(),
                                     R"([{"topic":"a","data":1},{"topic":"b","data":2},{"topic":"c","data":3},{"topic":"a","data":4}])",
                                     s.token()).status, 202);
    auto data = [](std::vector<parsed_event> const& v) {
        std::string out;
        for (auto const& e : v)
            out += e.data;
        return out;
    };
    BOOST_TEST(data(all.events(4)) == "1234");
    BOOST_TEST(data(ab.events(3)) == "124");
    BOOST_TEST(data(a.events(2)) == "14");
    BOOST_TEST(!a.next_event(200ms));
    BOOST_TEST(!ab.next_event(50ms));
}

BOOST_AUTO_TEST_CASE(reconnect_with_last_event_id_gets_exactly_the_missed_events)
{
    running_server s(test_config());
    std::string last_seen;
    {
        sse_client c(s.port(), "/events");
        BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(0, 10), s.token()).status, 202);
        auto const got = c.events(10);
        BOOST_REQUIRE_EQUAL(got.size(), 10u);
        last_seen = got[4].last_event_id; // as if the connection broke after event 4
    }
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(10, 5), s.token()).status, 202);
    for (auto const& how : {std::string("/events"), "/events?lastEventId=" + last_seen, "/events?last_event_id=" + last_seen}) {
        BOOST_TEST_INFO("form " << how);
        sse_client c(s.port(), how, how == "/events" ? "Last-Event-ID: " + last_seen + "\r\n" : "");
        auto const got = c.events(10);
        BOOST_REQUIRE_EQUAL(got.size(), 10u);
        for (int i = 0; i < 10; ++i)
            BOOST_TEST(index_of(got[i]) == i + 5);
        BOOST_TEST(!c.next_event(150ms)); // exactly once: nothing more
    }
    BOOST_TEST(metric(s.port(), "ssehub_replays_total").value() == 3u);
}

BOOST_AUTO_TEST_CASE(replay_respects_topics)
{
    running_server s(test_config());
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"([{"topic":"a","data":0}])", s.token()).status, 202);
    auto const first = http_publish(s.port(), R"([{"topic":"a","data":1},{"topic":"b","data":2},{"topic":"a","data":3}])", s.token());
    // ids of the batch: the first one is after the first event; resume after event 0.
    auto const id1 = std::stoull(first.body.substr(first.body.find('"', 8) + 1));
    sse_client c(s.port(), "/events?topic=a", "Last-Event-ID: " + std::to_string(id1 - 1) + "\r\n");
    auto const got = c.events(2);
    BOOST_REQUIRE_EQUAL(got.size(), 2u);
    BOOST_TEST(got[0].data == "1");
    BOOST_TEST(got[1].data == "3");
}

BOOST_AUTO_TEST_CASE(too_old_or_foreign_ids_get_the_history_lost_event)
{
    auto cfg = test_config();
    cfg.ring_events = 5;
    running_server s(cfg);
    for (int b = 0; b < 4; ++b) // a batch fits the ring: 4 of 5 events
        BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(b * 5, 5), s.token()).status, 202);
    auto const first_latest = s.get().events().next_id() - 1;
    for (auto const& id : {std::string("1"), std::to_string(first_latest - 10), std::string("abc"), std::string("-5"),
                           std::to_string(first_latest + 100), std::string(100, '9')}) {
        BOOST_TEST_INFO("Last-Event-ID " << id.substr(0, 30));
        auto const latest = s.get().events().next_id() - 1;
        sse_client c(s.port(), "/events", "Last-Event-ID: " + id + "\r\n");
        auto const e = c.next_event();
        BOOST_REQUIRE(e);
        BOOST_TEST(e->type == std::string(history_lost_event));
        BOOST_TEST(e->last_event_id == std::to_string(latest));
        BOOST_TEST(e->data.find("\"earliestId\":\"" + std::to_string(latest - 4) + "\"") != std::string::npos);
        // Then the live stream, never a wrong replay.
        BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(100, 1), s.token()).status, 202);
        auto const live = c.next_event();
        BOOST_REQUIRE(live);
        BOOST_TEST(index_of(*live) == 100);
    }
    BOOST_TEST(metric(s.port(), "ssehub_resets_total").value() == 6u);
    // A 10 KB id does not fit the header limit: a clear 431, not a stream.
    auto const huge = http_get(s.port(), "/events", "Last-Event-ID: " + std::string(10000, '9') + "\r\n");
    BOOST_TEST(huge.status == 431);
}

BOOST_AUTO_TEST_CASE(no_loss_or_duplicate_at_the_replay_seam_under_load)
{
    running_server s(test_config());
    std::atomic<bool> done{false};
    std::atomic<int> published{0};
    auto const first_id = s.get().events().next_id();
    std::thread publisher([&] {
        for (int b = 0; b < 60 && !done; ++b) {
            if (http_publish(s.port(), batch_body(b * 50, 50), s.token()).status == 202)
                published += 50;
        }
    });
    // Reconnect repeatedly while events keep coming, each time from the middle of the ring.
    for (int round = 0; round < 5; ++round) {
        while (published < (round + 1) * 300)
            std::this_thread::sleep_for(1ms);
        auto const from = first_id + static_cast<std::uint64_t>(round * 100);
        sse_client c(s.port(), "/events", "Last-Event-ID: " + std::to_string(from) + "\r\n");
        auto const got = c.events(400, 10s);
        BOOST_REQUIRE_EQUAL(got.size(), 400u);
        for (std::size_t i = 0; i < got.size(); ++i)
            BOOST_REQUIRE_EQUAL(std::stoull(got[i].last_event_id), from + 1 + i);
    }
    done = true;
    publisher.join();
}

BOOST_AUTO_TEST_CASE(a_client_that_stops_reading_is_cut_while_a_fast_one_gets_everything)
{
    auto cfg = test_config();
    cfg.client_queue_bytes = 1 << 20;
    running_server s(cfg);
    sse_client slow(s.port(), "/events");
    int small = 64 * 1024; // small enough to fill, large enough to drain quickly afterwards
    ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sse_client fast(s.port(), "/events");
    constexpr int total = 3000; // ~12 MB: more than loopback socket buffers can hide
    std::atomic<int> refused{0}; // Boost.Test assertions are not thread-safe: count, check later
    std::thread publisher([&] {
        for (int b = 0; b < total / 100; ++b)
            if (http_publish(s.port(), batch_body(b * 100, 100, "t", 4000), s.token()).status != 202)
                ++refused;
    });
    auto const got = fast.events(total, 30s);
    publisher.join();
    BOOST_TEST(refused == 0);
    BOOST_REQUIRE_EQUAL(got.size(), static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i)
        BOOST_REQUIRE_EQUAL(index_of(got[i]), i);
    BOOST_TEST(metric(s.port(), "ssehub_slow_disconnects_total").value() == 1u);
    // The slow client finds its stream ended short of the total once it reads again.
    std::size_t slow_count = 0;
    while (slow.next_event(2s))
        ++slow_count;
    BOOST_TEST(slow.wait_closed(1s));
    BOOST_TEST(slow_count < static_cast<std::size_t>(total));
    BOOST_TEST(metric(s.port(), "ssehub_queue_high_water_bytes").value() > 1u << 20);
}

BOOST_AUTO_TEST_CASE(a_slow_client_cut_sees_its_end_at_once_and_leaves_no_socket_behind)
{
    // Was a bug: the cut was an orderly close. The socket then sat in FIN-WAIT-1 with megabytes
    // of stale events in the kernel's send queue, which the client went on reading, through its
    // small window, long after it had been cut.
    running_server s(test_config()); // the default client_queue_bytes and client_sndbuf_bytes
    sse_client slow(s.port(), "/events");
    int tiny = 4096;
    ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    sse_client fast(s.port(), "/events");
    publish_big_events_to(s, fast, 200); // 12 MB
    auto const slow_cut = [&] { return metric(s.port(), "ssehub_slow_disconnects_total").value() == 1u; };
    for (auto const deadline = std::chrono::steady_clock::now() + 5s; !slow_cut() && std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(20ms);
    BOOST_REQUIRE(slow_cut());
    // Nothing of it is left on the server's side: no FIN-WAIT-1 socket holding its events.
    auto const left = tcp_sockets(s.port(), local_port(slow.fd()));
    BOOST_TEST(left.empty(), left.size() << " socket(s) left, the first in state "
                                         << (left.empty() ? 0 : left.front().state) << " holding "
                                         << (left.empty() ? 0 : left.front().tx_queue) << " bytes");
    BOOST_TEST(metric(s.port(), "ssehub_subscribers").value() == 1u);
    // Reading again, the slow client learns of the end at once, not after the stale events.
    auto const started = std::chrono::steady_clock::now();
    BOOST_TEST(slow.wait_closed(1s));
    BOOST_TEST_MESSAGE("the slow client saw its end after "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
                       << " ms");
}

BOOST_AUTO_TEST_CASE(a_client_that_stops_reading_holds_at_most_its_send_buffer_in_the_kernel)
{
    // Was a bug: the kernel's autotuning let the send queue of a client that stops reading grow
    // to tcp_wmem's maximum (4 MiB), whatever client_queue_bytes said.
    auto cfg = test_config();
    cfg.client_queue_bytes = std::int64_t{256} << 20; // never cut: only the kernel's bound holds
    cfg.client_queue_frames = 1'000'000;
    running_server s(cfg);
    sse_client slow(s.port(), "/events");
    int tiny = 4096;
    ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    sse_client fast(s.port(), "/events");
    publish_big_events_to(s, fast, 150); // 9 MB: far more than any send buffer
    auto const held = tcp_sockets(s.port(), local_port(slow.fd()));
    BOOST_REQUIRE_EQUAL(held.size(), 1u);
    // Linux doubles SO_SNDBUF and counts its bookkeeping against it: the bytes held stay below.
    BOOST_TEST(held.front().tx_queue <= 2u * static_cast<std::uint64_t>(cfg.client_sndbuf_bytes),
               held.front().tx_queue << " bytes held");
    BOOST_TEST(held.front().tx_queue > 0u); // it did stop reading: the check can see a queue
}

BOOST_AUTO_TEST_CASE(a_pass_in_turns_over_many_streams_loses_no_stream_and_no_event)
{
    // More streams on one thread than a fan-out pass visits in one turn (128): publishes and
    // new streams land between the turns of a pass, and later turns carry newer frames.
    auto cfg = test_config();
    cfg.io_threads = 1;
    running_server s(cfg);
    constexpr int early_count = 300, late_count = 30, total = 1000;
    std::vector<std::unique_ptr<sse_client>> early;
    for (int i = 0; i < early_count; ++i)
        early.push_back(std::make_unique<sse_client>(s.port(), "/events"));
    std::atomic<bool> started{false}, late_joined{false};
    // Published from another thread through the hub's own call: the wakes land at any point
    // of a pass, not only between HTTP round trips.
    std::thread publisher([&] {
        for (int i = 0; i < total; ++i) {
            ssehub::test::publish(s.get().log(), event_draft{"t", "e", R"({"i":)" + std::to_string(i) + "}"});
            started = true;
            std::this_thread::sleep_for(100us);
            // The second half waits for the late streams, so each of them sees events.
            for (int wait = 0; i == total / 2 && !late_joined && wait < 10000; ++wait)
                std::this_thread::sleep_for(1ms);
        }
    });
    while (!started)
        std::this_thread::sleep_for(1ms);
    std::vector<std::unique_ptr<sse_client>> late;
    for (int i = 0; i < late_count; ++i)
        late.push_back(std::make_unique<sse_client>(s.port(), "/events"));
    late_joined = true;
    publisher.join();
    for (auto& c : early) {
        auto const got = c->events(total, 20s);
        BOOST_REQUIRE_EQUAL(got.size(), static_cast<std::size_t>(total));
        for (int i = 0; i < total; ++i)
            BOOST_REQUIRE_EQUAL(index_of(got[i]), i);
    }
    // A stream that joined meanwhile starts at some event and then gets every one after it.
    for (auto& c : late) {
        std::vector<int> seen;
        while (auto e = c->next_event(5s)) {
            seen.push_back(index_of(*e));
            if (seen.back() == total - 1)
                break;
        }
        BOOST_REQUIRE(!seen.empty());
        BOOST_REQUIRE_EQUAL(seen.back(), total - 1);
        for (std::size_t i = 1; i < seen.size(); ++i)
            BOOST_REQUIRE_EQUAL(seen[i], seen[0] + static_cast<int>(i));
    }
    BOOST_TEST(metric(s.port(), "ssehub_slow_disconnects_total").value() == 0u);
}

BOOST_AUTO_TEST_CASE(a_publish_ahead_of_the_fanout_by_more_than_the_backlog_is_answered_once_taken)
{
    lagging_fanout f(300'000, 10, 1000);
    BOOST_REQUIRE_EQUAL(http_publish(f.server.port(), batch_body(1, 100), f.server.token()).status, 202);
    // Answered only once every io thread took all but the last 10 of them for its subscribers.
    BOOST_TEST(f.untaken() <= 10u);
    BOOST_TEST(metric(f.server.port(), "ssehub_publish_waits_total").value() == 1u);
    auto const got = f.client.events(100, 5s);
    BOOST_REQUIRE_EQUAL(got.size(), 100u);
    BOOST_TEST(index_of(got.back()) == 100);
}

BOOST_AUTO_TEST_CASE(a_held_publish_is_answered_after_publish_wait_ms_even_if_the_fanout_lags)
{
    lagging_fanout f(1'000'000, 10, 20); // the next pass is 1 s away; the answer waits 20 ms
    BOOST_REQUIRE_EQUAL(http_publish(f.server.port(), batch_body(1, 100), f.server.token()).status, 202);
    BOOST_TEST(f.untaken() > 10u); // answered before the pass
    BOOST_TEST(metric(f.server.port(), "ssehub_publish_waits_total").value() == 1u);
    BOOST_TEST(f.client.events(100, 5s).size() == 100u); // and the pass still delivers them
}

BOOST_AUTO_TEST_CASE(with_no_backlog_limit_a_publish_is_answered_before_the_fanout)
{
    lagging_fanout f(300'000, 0, 1000);
    BOOST_REQUIRE_EQUAL(http_publish(f.server.port(), batch_body(1, 100), f.server.token()).status, 202);
    BOOST_TEST(metric(f.server.port(), "ssehub_publish_waits_total").value() == 0u);
    BOOST_TEST(f.client.events(100, 5s).size() == 100u);
}

BOOST_AUTO_TEST_CASE(concurrent_publishers_give_every_subscriber_the_same_order)
{
    auto cfg = test_config();
    cfg.io_threads = 3;
    running_server s(cfg);
    std::vector<std::unique_ptr<sse_client>> subs;
    for (int i = 0; i < 4; ++i)
        subs.push_back(std::make_unique<sse_client>(s.port(), "/events"));
    std::vector<std::thread> publishers;
    std::atomic<int> refused{0};
    for (int p = 0; p < 4; ++p)
        publishers.emplace_back([&, p] {
            for (int b = 0; b < 25; ++b)
                if (http_publish(s.port(), batch_body(p * 1000 + b * 10, 10), s.token()).status != 202)
                    ++refused;
        });
    // And the C++ side publishing through the same call, from yet another thread.
    publishers.emplace_back([&] {
        for (int i = 0; i < 200; ++i)
            ssehub::test::publish(s.get().log(), event_draft{"t", "e", R"({"i":)" + std::to_string(9000 + i) + "}"});
    });
    for (auto& t : publishers)
        t.join();
    BOOST_TEST(refused == 0);
    std::vector<std::string> reference;
    for (auto& c : subs) {
        auto const got = c->events(1200, 20s);
        BOOST_REQUIRE_EQUAL(got.size(), 1200u);
        std::vector<std::string> order;
        for (std::size_t i = 0; i < got.size(); ++i) {
            order.push_back(got[i].last_event_id + ":" + got[i].data);
            if (i > 0)
                BOOST_REQUIRE_EQUAL(std::stoull(got[i].last_event_id), std::stoull(got[i - 1].last_event_id) + 1);
        }
        if (reference.empty())
            reference = order;
        else
            BOOST_TEST(order == reference);
    }
}

BOOST_AUTO_TEST_CASE(bad_publish_input_gets_its_status_and_publishes_nothing)
{
    auto cfg = test_config();
    cfg.max_body_bytes = 1000;
    running_server s(cfg);
    sse_client c(s.port(), "/events");
    auto const before = s.get().events().next_id();
    struct bad { std::string body; std::string token; std::string type; int status; };
    std::vector<bad> cases{
        {R"({"data":1})", "", "application/json", 401},
        {R"({"data":1})", "wrong", "application/json", 401},
        {R"({"data":1})", s.token(), "text/plain", 415},
        {R"({"data":1})", s.token(), "", 415},
        {"{not json", s.token(), "application/json", 400},
        {R"({"topic":5,"data":1})", s.token(), "application/json", 400},
        {R"({"event":"a\nb","data":1})", s.token(), "application/json", 400},
        {R"({"event":"a\rb","data":1})", s.token(), "application/json", 400},
        {R"({"event":"a\u0000b","data":1})", s.token(), "application/json", 400},
        {R"({"topic":"a b","data":1})", s.token(), "application/json", 400},
        {R"([{"data":1},{"topic":"bad\n","data":2}])", s.token(), "application/json", 400},
        {R"({"nodata":1})", s.token(), "application/json", 400},
        {"\"\xff\xfe\"", s.token(), "application/json", 400},
        {R"({"data":")" + std::string(2000, 'x') + "\"}", s.token(), "application/json", 413},
    };
    for (auto const& b : cases) {
        BOOST_TEST_INFO("body " << b.body.substr(0, 40) << " token " << b.token << " type " << b.type);
        auto const r = http_publish(s.port(), b.body, b.token, b.type);
        BOOST_TEST(r.status == b.status);
        BOOST_TEST(r.body.find("\"error\"") != std::string::npos);
    }
    BOOST_TEST(s.get().events().next_id() == before);
    BOOST_TEST(!c.next_event(200ms));
    BOOST_TEST(http_get(s.port(), "/healthz").status == 200); // still serving
}

BOOST_AUTO_TEST_CASE(request_limits_answer_431_413_414)
{
    auto cfg = test_config();
    cfg.max_header_bytes = 1024;
    cfg.max_url_bytes = 256;
    running_server s(cfg);
    auto const big_header = http_get(s.port(), "/healthz", "X-Big: " + std::string(2000, 'a') + "\r\n");
    BOOST_TEST(big_header.status == 431);
    auto const long_url = http_get(s.port(), "/healthz?" + std::string(400, 'a'));
    BOOST_TEST(long_url.status == 414);
    auto const ok = http_get(s.port(), "/healthz?" + std::string(200, 'a'));
    BOOST_TEST(ok.status == 200);
}

BOOST_AUTO_TEST_CASE(over_max_connections_streams_are_told_to_retry_later)
{
    auto cfg = test_config();
    cfg.max_connections = 2;
    cfg.overload_retry_ms = 20000;
    running_server s(cfg);
    sse_client a(s.port(), "/events");
    sse_client b(s.port(), "/events");
    sse_client over(s.port(), "/events");
    BOOST_TEST(over.head().status == 200); // not an error: EventSource would give up for good
    BOOST_TEST(over.wait_closed(2s));
    BOOST_TEST(over.retry().value_or(0) >= 20000u);
    BOOST_TEST(over.retry().value_or(0) <= 40000u);
    auto const page = http_get(s.port(), "/");
    BOOST_TEST(page.status == 503);
    BOOST_TEST(!page.header("retry-after").empty());
    a.close();
    // Once a place frees up, new clients are served again.
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        served = http_get(s.port(), "/healthz").status == 200;
        if (!served)
            std::this_thread::sleep_for(20ms);
    }
    BOOST_TEST(served);
}

// Was a bug: with --ring-events 1000, one publish of 1001 events to "big" was accepted, and
// then cut the streams on "big" and on "other" alike with 0 events ("lagged behind the ring").
BOOST_AUTO_TEST_CASE(a_publish_larger_than_ring_events_is_refused_with_413_and_cuts_no_one)
{
    auto cfg = test_config();
    cfg.ring_events = 1000;
    running_server s(cfg);
    sse_client big(s.port(), "/events?topic=big");
    sse_client other(s.port(), "/events?topic=other");
    opening_position(big);
    opening_position(other);
    auto const before = s.get().events().next_id();
    auto const r = http_publish(s.port(), batch_body(0, 1001, "big"), s.token());
    BOOST_TEST(r.status == 413);
    BOOST_TEST(r.body.find("\"error\"") != std::string::npos, r.body);
    BOOST_TEST(r.body.find("ring_events (1000)") != std::string::npos, r.body);
    BOOST_TEST(s.get().events().next_id() == before); // nothing published

    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(1, 1000, "big"), s.token()).status, 202); // fits exactly
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(5000, 1, "other"), s.token()).status, 202);
    auto const got = big.events(1000, 10s);
    BOOST_REQUIRE_EQUAL(got.size(), 1000u);
    BOOST_TEST(index_of(got.front()) == 1);
    BOOST_TEST(index_of(got.back()) == 1000);
    auto const e = other.next_event();
    BOOST_REQUIRE(e);
    BOOST_TEST(index_of(*e) == 5000);
    BOOST_TEST(metric(s.port(), "ssehub_lag_disconnects_total").value() == 0u);
}

BOOST_AUTO_TEST_CASE(a_publish_larger_than_ring_bytes_is_refused_with_413)
{
    auto cfg = test_config();
    cfg.ring_bytes = 1024;
    running_server s(cfg);
    auto const before = s.get().events().next_id();
    auto const r = http_publish(s.port(), batch_body(0, 10, "t", 200), s.token()); // about 2.5 KB of frames
    BOOST_TEST(r.status == 413);
    BOOST_TEST(r.body.find("ring_bytes (1024)") != std::string::npos, r.body);
    BOOST_TEST(s.get().events().next_id() == before);
    BOOST_TEST(http_publish(s.port(), batch_body(0, 2, "t", 200), s.token()).status == 202);
}

// Was a bug: when the ring dropped frames before an io thread took them, every subscriber of
// that thread was cut, also those that needed none of them; uncounted, and a client cut before
// its first event reconnected without Last-Event-ID into a silent gap.
BOOST_AUTO_TEST_CASE(a_lag_cuts_only_the_subscribers_whose_topics_lost_events)
{
    auto cfg = test_config();
    cfg.io_threads = 1;      // the publishes and the shard share one thread
    cfg.publish_backlog = 0; // nothing holds the first answer for the fan-out
    cfg.ring_events = 1000;
    running_server s(cfg);
    sse_client big(s.port(), "/events?topic=big");
    sse_client other(s.port(), "/events?topic=other");
    sse_client every(s.port(), "/events");
    auto const big_position = opening_position(big);
    opening_position(other);
    opening_position(every);

    publish_back_to_back(s.port(), s.token(), batch_body(0, 600, "big"), batch_body(600, 600, "big")); // drops ids 1..200
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(5000, 1, "other"), s.token()).status, 202);

    auto const e = other.next_event();
    BOOST_REQUIRE(e);
    BOOST_TEST(index_of(*e) == 5000); // the only event of its topics, and it is still connected
    BOOST_TEST(!other.wait_closed(200ms));
    BOOST_TEST(big.wait_closed(5s));
    BOOST_TEST(every.wait_closed(5s));
    BOOST_TEST(metric(s.port(), "ssehub_lag_disconnects_total").value() == 2u);

    // The cut stream resumes from the position its opening carried: events 1..200 are gone,
    // and it says so instead of starting afresh.
    sse_client again(s.port(), "/events?topic=big", "Last-Event-ID: " + big_position + "\r\n");
    auto const lost = again.next_event();
    BOOST_REQUIRE(lost);
    BOOST_TEST(lost->type == std::string(history_lost_event));
}

// Was a bug: a stream carried no id before its first event, so a client cut before it came back
// without Last-Event-ID and silently missed what was published meanwhile.
BOOST_AUTO_TEST_CASE(a_client_cut_before_its_first_event_resumes_exactly_from_the_opening)
{
    running_server s(test_config());
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(0, 3, "a"), s.token()).status, 202);
    auto const latest = s.get().events().next_id() - 1;
    std::string position;
    {
        sse_client c(s.port(), "/events?topic=a");
        position = opening_position(c);
    } // cut before any event
    BOOST_TEST(position == std::to_string(latest));
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), R"([{"topic":"a","data":{"i":10}},{"topic":"b","data":{"i":11}},{"topic":"a","data":{"i":12}}])", s.token()).status, 202);
    sse_client again(s.port(), "/events?topic=a", "Last-Event-ID: " + position + "\r\n");
    auto const got = again.events(2, 5s);
    BOOST_REQUIRE_EQUAL(got.size(), 2u);
    BOOST_TEST(index_of(got[0]) == 10);
    BOOST_TEST(index_of(got[1]) == 12);
    BOOST_TEST(got[1].last_event_id == std::to_string(latest + 3));
    BOOST_TEST(!again.next_event(200ms)); // nothing more, nothing twice
}

// A surviving stream keeps what it still needed of the old window, including the frames of a
// write in flight: its buffers point into them (ASan would see them freed).
BOOST_AUTO_TEST_CASE(a_stream_that_survives_a_lag_mid_write_gets_every_event_of_its_topics_intact)
{
    auto cfg = test_config();
    cfg.io_threads = 1;
    cfg.publish_backlog = 0;
    cfg.ring_events = 1000;
    cfg.client_queue_bytes = 16 << 20; // it is behind, but within its bound
    cfg.max_body_bytes = 16 << 20;
    running_server s(cfg);
    sse_client other(s.port(), "/events?topic=other");
    int small = 64 * 1024;
    ::setsockopt(other.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sse_client big(s.port(), "/events?topic=big"); // proves that the lag happened: it is cut
    opening_position(other);
    opening_position(big);
    constexpr int count = 900; // about 7 MB: more than the socket buffers take (4 MB at most), so a write stays in flight
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(0, count, "other", 8000), s.token()).status, 202);
    auto& events = s.get().events();
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (events.throttle().taken_by_all() < events.next_id() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms); // its io thread has taken them: they are in its window, not lost
    BOOST_REQUIRE(events.throttle().taken_by_all() == events.next_id());
    publish_back_to_back(s.port(), s.token(), batch_body(0, 600, "big"), batch_body(600, 600, "big"));
    BOOST_REQUIRE_EQUAL(http_publish(s.port(), batch_body(count, 1, "other"), s.token()).status, 202);

    auto const got = other.events(count + 1, 30s);
    BOOST_REQUIRE_EQUAL(got.size(), static_cast<std::size_t>(count + 1));
    bool intact = true;
    for (int i = 0; i < count; ++i)
        intact = intact && index_of(got[i]) == i && got[i].data.find(std::string(8000, 'x')) != std::string::npos;
    BOOST_TEST(intact);
    BOOST_TEST(index_of(got[count]) == count);
    BOOST_TEST(big.wait_closed(5s));
    BOOST_TEST(metric(s.port(), "ssehub_lag_disconnects_total").value() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
