// hub/publish_throttle: publishers wait while the slowest shard trails the newest event by more
// than the limit, and are released exactly once when it catches up.
#include "ssehub/hub/publish_throttle.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

using ssehub::publish_throttle;

BOOST_AUTO_TEST_SUITE(publish_throttle_test)

BOOST_AUTO_TEST_CASE(within_the_limit_nobody_waits)
{
    publish_throttle t(32);
    t.add_shard(100);
    t.add_shard(100);
    BOOST_TEST(t.threshold_for(132) == 100u);
    BOOST_TEST(!t.wait_needed(t.threshold_for(132), [] { BOOST_FAIL("released"); }));
    BOOST_TEST(t.threshold_for(20) == 0u); // fewer events than the limit exist at all
    publish_throttle off(0);
    off.add_shard(1);
    BOOST_TEST(off.threshold_for(1'000'000) == 0u);
}

BOOST_AUTO_TEST_CASE(the_slowest_shard_decides_the_release)
{
    publish_throttle t(32);
    auto const a = t.add_shard(100);
    auto const b = t.add_shard(100);
    int released = 0;
    BOOST_TEST(t.wait_needed(t.threshold_for(200), [&] { ++released; })); // needs 168
    t.taken(a, 200);
    BOOST_TEST(released == 0);
    BOOST_TEST(t.taken_by_all() == 100u);
    t.taken(b, 167);
    BOOST_TEST(released == 0);
    t.taken(b, 168);
    BOOST_TEST(released == 1);
    t.taken(b, 300);
    BOOST_TEST(released == 1); // once only
}

BOOST_AUTO_TEST_CASE(waiters_are_released_when_reached_and_all_at_shutdown)
{
    publish_throttle t(10);
    auto const s = t.add_shard(0);
    std::vector<int> order;
    BOOST_TEST(t.wait_needed(50, [&] { order.push_back(50); }));
    BOOST_TEST(t.wait_needed(20, [&] { order.push_back(20); }));
    BOOST_TEST(t.wait_needed(90, [&] { order.push_back(90); }));
    t.taken(s, 60);
    BOOST_TEST((order == std::vector<int>{50, 20} || order == std::vector<int>{20, 50}));
    t.close();
    BOOST_TEST(order.size() == 3u);
    BOOST_TEST(order.back() == 90);
    t.taken(s, 100); // nobody left
    BOOST_TEST(order.size() == 3u);
    // Closed: nobody waits any more, however far behind the shards are.
    BOOST_TEST(!t.wait_needed(1000, [&] { order.push_back(1000); }));
    BOOST_TEST(order.size() == 3u);
}

BOOST_AUTO_TEST_CASE(no_release_is_lost_between_threads)
{
    // A shard thread advancing while publishers register: every waiter is released once.
    publish_throttle t(4);
    auto const s = t.add_shard(0);
    constexpr int waiters = 20000;
    std::atomic<int> released{0}, registered{0};
    std::atomic<std::uint64_t> published{0};
    std::thread shard([&] {
        for (std::uint64_t next = 1; next <= waiters + 8; ++next) {
            while (published.load() < next && next <= waiters)
                std::this_thread::yield();
            t.taken(s, next);
        }
    });
    for (int i = 1; i <= waiters; ++i) {
        published = static_cast<std::uint64_t>(i);
        if (t.wait_needed(t.threshold_for(static_cast<std::uint64_t>(i) + 4), [&] { ++released; }))
            ++registered;
    }
    shard.join();
    t.taken(s, waiters + 100);
    BOOST_TEST(released.load() == registered.load());
}

BOOST_AUTO_TEST_SUITE_END()
