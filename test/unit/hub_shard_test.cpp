// delivery/hub_shard: fan-out passes in turns, removal during a pass, window trimming, falling
// behind the ring, and the sweep. A real hub and loopback sockets; the io_context is run by the
// test (poll, poll_one) and time is the test's clock: no sleeps.
#include "ssehub/delivery/hub_shard.hpp"
#include "ssehub/hub/memory_event_log.hpp"
#include "support/loopback_pair.hpp"
#include "support/publish.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

using namespace ssehub;
using namespace std::chrono_literals;
using ssehub::test::make_loopback_pair;
using ssehub::test::read_available;

namespace {

using clock_type = std::chrono::steady_clock;

struct shard_fixture {
    net::io_context io;
    clock_type::time_point now = clock_type::time_point(1h);
    hub events;
    memory_event_log log{events};
    delivery_options options;
    std::optional<hub_shard> shard;
    std::vector<tcp::socket> clients;

    explicit shard_fixture(hub_options h = {}) : events(h)
    {
        options.delivery_interval = 0us; // every wake starts a pass at once
        options.send_buffer_bytes = 4096;
        options.clock = [this] { return now; };
    }

    void start() { shard.emplace(io, events, options); }

    // Index of the stream's client in `clients`.
    std::size_t subscribe(std::vector<std::string> topics = {}, int receive_buffer = 0,
                          clock_type::time_point expires = clock_type::time_point::max())
    {
        auto pair = make_loopback_pair(io, receive_buffer);
        auto filter = topics.empty() ? topic_filter{} : topic_filter{std::move(topics)};
        BOOST_REQUIRE(shard->subscribe(std::move(pair.server), std::move(filter), std::nullopt, "", connection_slot{}, expires));
        clients.push_back(std::move(pair.client));
        read_available(clients.back()); // the stream's opening
        return clients.size() - 1;
    }

    void publish(std::string topic, std::string payload = "x")
    {
        BOOST_REQUIRE(ssehub::test::publish(log, event_draft{std::move(topic), "message", std::move(payload)}) > 0);
    }

    void run()
    {
        io.restart();
        io.poll();
    }

    // `streams` streams, turns of 2, one event published: a pass that has run its first turn
    // (2 delivered) with the next queued.
    void start_a_pass_of_turns_of_two(int streams)
    {
        options.subscribers_per_turn = 2;
        start();
        for (int i = 0; i < streams; ++i)
            subscribe();
        publish("t");
        io.restart();
        BOOST_REQUIRE_EQUAL(io.poll_one(), 1u); // the wake: a pass starts with its first turn
        BOOST_REQUIRE_EQUAL(delivered(), 2u);
    }

    std::uint64_t delivered() const { return shard->counters().frames_delivered.load(); }
    std::int64_t streams() const { return shard->counters().subscribers.load(); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(hub_shard_test)

BOOST_AUTO_TEST_CASE(a_pass_writes_to_subscribers_per_turn_streams_then_yields)
{
    shard_fixture f;
    f.start_a_pass_of_turns_of_two(5);
    // The next turns are posted behind what queued meanwhile: one handler each.
    std::vector<std::uint64_t> seen{f.delivered()};
    while (f.io.poll_one() > 0)
        if (f.delivered() != seen.back())
            seen.push_back(f.delivered());
    BOOST_TEST(seen == (std::vector<std::uint64_t>{2, 4, 5}), boost::test_tools::per_element());
    for (auto& c : f.clients)
        BOOST_TEST(read_available(c).find("data: x") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(streams_that_end_during_a_pass_leave_every_other_one_reachable)
{
    shard_fixture f;
    f.options.queue_frames = 0; // a frame waiting behind a write in flight cuts the stream
    f.start();
    auto const expiry = f.now + 10s;
    for (int i = 0; i < 2; ++i) // slow: a write in flight, never read
        f.subscribe({"big", "t"}, 1024, expiry);
    for (int i = 0; i < 2; ++i)
        f.subscribe({"t"}, 0, expiry);
    f.publish("big", std::string(1 << 20, 'x'));
    f.run();
    // The pass visits the last two, then cuts the first two: each removal swaps the last
    // stream into the removed one's place.
    f.publish("t");
    f.run();
    BOOST_TEST(f.shard->counters().slow_disconnects.load() == 2u);
    BOOST_TEST(f.streams() == 2);
    BOOST_TEST(read_available(f.clients[2]).find("data: x") != std::string::npos);
    BOOST_TEST(read_available(f.clients[3]).find("data: x") != std::string::npos);
    // Each survivor still removes itself from its new place: all end in one sweep.
    f.now = expiry;
    f.shard->sweep();
    BOOST_TEST(f.streams() == 0);
}

BOOST_AUTO_TEST_CASE(frames_every_stream_is_past_are_released_after_a_pass)
{
    shard_fixture f;
    f.start();
    f.subscribe({"a"});
    f.publish("a");
    f.publish("b");
    f.run();
    BOOST_TEST(f.shard->window().first() == f.events.next_id());
    BOOST_TEST(f.shard->window().next() == f.events.next_id());
}

BOOST_AUTO_TEST_CASE(frames_a_slow_stream_still_writes_stay_in_the_window)
{
    shard_fixture f;
    f.start();
    f.subscribe({"a"});
    f.subscribe({"big"}, 1024); // does not read: its write stays in flight
    auto const big_id = f.events.next_id();
    f.publish("big", std::string(1 << 20, 'x'));
    f.publish("a");
    f.run();
    BOOST_TEST(f.shard->window().first() == big_id);
    BOOST_TEST(f.shard->window().next() == f.events.next_id());
}

BOOST_AUTO_TEST_CASE(falling_behind_the_ring_cuts_only_streams_that_lost_events_of_their_topics)
{
    hub_options h;
    h.ring_events = 4;
    shard_fixture f(h);
    f.start();
    auto const kept = f.subscribe({"a"});
    auto const lost = f.subscribe({"b"});
    auto const all = f.subscribe();
    for (int i = 0; i < 10; ++i) // before the shard runs: the ring drops 6 "b" events it never took
        f.publish("b");
    f.run();
    BOOST_TEST(f.shard->counters().lag_disconnects.load() == 2u);
    BOOST_TEST(f.streams() == 1);
    BOOST_TEST(ssehub::test::read_to_end(f.clients[lost]).find("data:") == std::string::npos);
    BOOST_TEST(ssehub::test::read_to_end(f.clients[all]).find("data:") == std::string::npos);
    f.publish("a", "after");
    f.run();
    BOOST_TEST(read_available(f.clients[kept]).find("data: after") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_sweep_sends_a_heartbeat_to_a_stream_idle_for_the_heartbeat_period)
{
    shard_fixture f;
    f.start();
    auto const c = f.subscribe();
    f.now += f.options.heartbeat - 1ms;
    f.shard->sweep();
    BOOST_TEST(read_available(f.clients[c]).empty());
    f.now += 1ms;
    f.shard->sweep();
    BOOST_TEST(read_available(f.clients[c]) == ":\n\n");
}

BOOST_AUTO_TEST_CASE(the_sweep_cuts_a_stream_whose_write_stalls_past_the_write_timeout)
{
    shard_fixture f;
    f.start();
    f.subscribe({}, 1024); // never reads
    f.publish("t", std::string(1 << 20, 'x'));
    f.run();
    f.now += f.options.write_timeout;
    f.shard->sweep();
    BOOST_TEST(f.streams() == 1);
    f.now += 1ms;
    f.shard->sweep();
    BOOST_TEST(f.streams() == 0);
    BOOST_TEST(f.shard->counters().stalled_disconnects.load() == 1u);
}

// Was a bug (issue 17): during a storm of new streams, each with a replay to write, the pass's
// next turn and the drain's timer waited behind every session start queued before them, and
// live events reached the streams already open only after the whole queue (557 ms p99).
BOOST_AUTO_TEST_CASE(a_new_stream_first_runs_the_turn_that_waits_in_the_queue)
{
    shard_fixture f;
    f.start_a_pass_of_turns_of_two(5);
    f.subscribe(); // no handler runs: the queued turn runs here
    BOOST_TEST(f.delivered() == 4u);
    f.subscribe();
    BOOST_TEST(f.delivered() == 5u);
    f.run(); // the queued turns find nothing left to do: no frame twice
    BOOST_TEST(f.delivered() == 5u);
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(read_available(f.clients[i]) == "id: 1\ndata: x\n\n");
}

BOOST_AUTO_TEST_CASE(a_new_stream_first_runs_an_overdue_drain_and_only_an_overdue_one)
{
    shard_fixture f;
    f.options.delivery_interval = 10ms;
    f.start();
    auto const live = f.subscribe();
    f.publish("t");
    f.run(); // the first drain: due at once
    BOOST_TEST(f.delivered() == 1u);
    f.publish("t"); // its wake is queued, not run
    f.now += 1ms;
    f.subscribe(); // not due yet: the drain waits for its timer
    BOOST_TEST(f.delivered() == 1u);
    f.now += 10ms;
    f.subscribe(); // overdue: it runs here, before the new stream
    BOOST_TEST(f.delivered() == 2u);
    BOOST_TEST(read_available(f.clients[live]) == "id: 1\ndata: x\n\nid: 2\ndata: x\n\n");
}

BOOST_AUTO_TEST_SUITE_END()
