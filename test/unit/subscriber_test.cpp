// delivery/subscriber, driven through its stream_context alone (no shard): the test fills the
// window, calls what a pass or a sweep would, and chooses the time. Loopback sockets; a client
// that does not read, with a small receive buffer, is a slow client.
#include "ssehub/delivery/subscriber.hpp"
#include "support/loopback_pair.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>

using namespace ssehub;
using namespace std::chrono_literals;
using ssehub::test::make_loopback_pair;
using ssehub::test::read_available;

namespace {

using clock_type = std::chrono::steady_clock;

delivery_options options_for(clock_type::time_point const& now)
{
    delivery_options o;
    o.send_buffer_bytes = 4096;
    o.queue_bytes = 1000;
    o.queue_frames = 3;
    o.clock = [&now] { return now; };
    return o;
}

struct stream_fixture {
    net::io_context io;
    clock_type::time_point now = clock_type::time_point(1h);
    delivery_options options = options_for(now);
    hub_counters counters;
    int removed = 0;
    stream_context context{options, counters, 1, [this](subscriber&) { ++removed; }};
    std::uint64_t next_id = 1;
    tcp::socket client{io};

    std::shared_ptr<subscriber> open(int receive_buffer = 0, clock_type::time_point expires = clock_type::time_point::max())
    {
        auto pair = make_loopback_pair(io, receive_buffer);
        client = std::move(pair.client);
        auto s = std::make_shared<subscriber>(std::move(pair.server), context, topic_filter{},
                                              subscription_start{{}, context.window.next(), false}, "", connection_slot{},
                                              expires);
        s->start();
        return s;
    }

    // A frame of `bytes` bytes in the window, as a shard's pull would add it.
    void add_frame(std::size_t bytes)
    {
        context.window.push_back(std::make_shared<frame const>(frame{next_id++, "t", std::string(bytes, 'x')}));
    }

    void grow(subscriber& s, std::size_t bytes)
    {
        add_frame(bytes);
        s.on_window_grew();
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(subscriber_test)

BOOST_AUTO_TEST_CASE(a_stream_writes_new_window_frames_at_once)
{
    stream_fixture f;
    auto s = f.open();
    f.grow(*s, 10);
    BOOST_TEST(read_available(f.client) == std::string(10, 'x'));
    BOOST_TEST(s->cursor() == f.context.window.next());
    BOOST_TEST(f.counters.frames_delivered.load() == 1u);
}

BOOST_AUTO_TEST_CASE(bytes_waiting_behind_the_write_in_flight_are_bounded)
{
    stream_fixture f;
    auto s = f.open(1024);
    f.grow(*s, 1 << 20); // in flight: not waiting
    f.grow(*s, 600);
    BOOST_TEST(f.removed == 0);
    f.grow(*s, 600); // 1200 waiting bytes > queue_bytes (1000)
    BOOST_TEST(f.removed == 1);
    BOOST_TEST(f.counters.slow_disconnects.load() == 1u);
}

BOOST_AUTO_TEST_CASE(frames_waiting_behind_the_write_in_flight_are_bounded)
{
    stream_fixture f;
    auto s = f.open(1024);
    f.grow(*s, 1 << 20);
    for (int i = 0; i < 3; ++i)
        f.grow(*s, 1);
    BOOST_TEST(f.removed == 0);
    f.grow(*s, 1); // 4 waiting frames > queue_frames (3)
    BOOST_TEST(f.removed == 1);
    BOOST_TEST(f.counters.slow_disconnects.load() == 1u);
}

BOOST_AUTO_TEST_CASE(a_stream_behind_the_window_is_closed_as_lagging)
{
    stream_fixture f;
    auto s = f.open();
    f.add_frame(1);
    f.context.window.drop_below(f.context.window.next()); // its cursor is below the window now
    s->on_window_grew();
    BOOST_TEST(f.removed == 1);
    BOOST_TEST(f.counters.lag_disconnects.load() == 1u);
}

BOOST_AUTO_TEST_CASE(a_heartbeat_goes_out_after_the_heartbeat_period_without_writes)
{
    stream_fixture f;
    auto s = f.open();
    f.grow(*s, 3);
    read_available(f.client);
    f.context.now = f.now; // the last write happened at the pass's now
    s->on_sweep(f.now + f.options.heartbeat - 1ms);
    BOOST_TEST(read_available(f.client).empty());
    s->on_sweep(f.now + f.options.heartbeat);
    BOOST_TEST(read_available(f.client) == ":\n\n");
}

BOOST_AUTO_TEST_CASE(a_write_stalled_past_the_write_timeout_is_cut)
{
    stream_fixture f;
    auto s = f.open(1024);
    f.grow(*s, 1 << 20);
    s->on_sweep(f.now + f.options.write_timeout);
    BOOST_TEST(f.removed == 0);
    s->on_sweep(f.now + f.options.write_timeout + 1ms);
    BOOST_TEST(f.removed == 1);
    BOOST_TEST(f.counters.stalled_disconnects.load() == 1u);
}

BOOST_AUTO_TEST_CASE(a_stream_past_its_expiry_ends_with_a_retry_hint)
{
    stream_fixture f;
    auto s = f.open(0, f.now + 1s);
    s->on_sweep(f.now + 999ms);
    BOOST_TEST(f.removed == 0);
    s->on_sweep(f.now + 1s);
    BOOST_TEST(f.removed == 1);
    BOOST_TEST(ssehub::test::read_to_end(f.client) == ": token expired\n\nretry: 3000\n\n");
}

BOOST_AUTO_TEST_SUITE_END()
