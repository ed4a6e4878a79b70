#include "publish_connection.hpp"

#include <boost/test/unit_test.hpp>

#include <cstring>

namespace {

void queue(loadgen::publish_connection& c, std::int64_t sent_us)
{
    auto const room = c.room();
    std::memcpy(room.data(), "x", 1);
    c.queued(1, sent_us);
}

} // namespace

BOOST_AUTO_TEST_SUITE(publish_connection_test)

// The publish round trip rests on this: answers come in request order, so each one is matched
// with the oldest send time in flight, also when the window's ring wraps around.
BOOST_AUTO_TEST_CASE(answers_take_the_send_times_in_order_around_the_window)
{
    loadgen::publish_connection c(3);
    c.restart(-1);
    c.st = loadgen::publish_connection::state::open;
    queue(c, 10);
    queue(c, 20);
    BOOST_TEST(c.answered() == 10);
    queue(c, 30);
    queue(c, 40);
    BOOST_TEST(!c.can_start()); // three in flight: the window is full
    BOOST_TEST(c.answered() == 20);
    BOOST_TEST(c.answered() == 30);
    queue(c, 50);
    BOOST_TEST(c.answered() == 40);
    BOOST_TEST(c.answered() == 50);
    BOOST_TEST(c.in_flight == 0u);
}

BOOST_AUTO_TEST_CASE(a_new_socket_forgets_what_was_in_flight)
{
    loadgen::publish_connection c(2);
    c.st = loadgen::publish_connection::state::open;
    queue(c, 10);
    queue(c, 20);
    BOOST_TEST(c.answered() == 10);
    c.restart(-1);
    c.st = loadgen::publish_connection::state::open;
    BOOST_TEST(c.in_flight == 0u);
    queue(c, 30);
    BOOST_TEST(c.answered() == 30);
}

BOOST_AUTO_TEST_SUITE_END()
