// http/connection_limit: at most max slots held at once; a slot is released exactly once.
#include "ssehub/delivery/connection_limit.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

using ssehub::connection_limit;
using ssehub::connection_slot;

BOOST_AUTO_TEST_SUITE(connection_limit_test)

BOOST_AUTO_TEST_CASE(try_acquire_succeeds_up_to_max_then_refuses)
{
    connection_limit limit(3);
    BOOST_TEST(limit.max() == 3u);
    BOOST_TEST(limit.open() == 0u);
    std::vector<connection_slot> held;
    for (std::size_t i = 1; i <= 3; ++i) {
        auto slot = limit.try_acquire();
        BOOST_REQUIRE(slot.has_value());
        held.push_back(std::move(*slot));
        BOOST_TEST(limit.open() == i);
    }
    BOOST_TEST(!limit.try_acquire().has_value());
    BOOST_TEST(!limit.try_acquire().has_value());
    BOOST_TEST(limit.open() == 3u); // refusals take nothing
}

BOOST_AUTO_TEST_CASE(a_limit_of_zero_refuses_everything)
{
    connection_limit limit(0);
    BOOST_TEST(!limit.try_acquire().has_value());
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(destroying_a_slot_releases_it)
{
    connection_limit limit(1);
    {
        auto slot = limit.try_acquire();
        BOOST_REQUIRE(slot.has_value());
        BOOST_TEST(!limit.try_acquire().has_value());
    }
    BOOST_TEST(limit.open() == 0u);
    auto again = limit.try_acquire();
    BOOST_TEST(again.has_value());
    BOOST_TEST(limit.open() == 1u);
    again.reset();
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(moving_a_slot_transfers_it_without_releasing)
{
    connection_limit limit(2);
    auto first = limit.try_acquire();
    BOOST_REQUIRE(first.has_value());
    {
        connection_slot moved(std::move(*first));
        BOOST_TEST(limit.open() == 1u);
        first.reset(); // the moved-from slot holds nothing
        BOOST_TEST(limit.open() == 1u);
    }
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(move_assignment_releases_the_target_slot_once)
{
    connection_limit limit(3);
    auto a = limit.try_acquire();
    auto b = limit.try_acquire();
    BOOST_REQUIRE(a.has_value());
    BOOST_REQUIRE(b.has_value());
    BOOST_TEST(limit.open() == 2u);
    *a = std::move(*b); // a's old slot is released, b's moves into a
    BOOST_TEST(limit.open() == 1u);
    b.reset();
    BOOST_TEST(limit.open() == 1u);
    a.reset();
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(self_move_assignment_keeps_the_slot)
{
    connection_limit limit(1);
    auto a = limit.try_acquire();
    BOOST_REQUIRE(a.has_value());
    auto* alias = &*a; // through a pointer, so the compiler does not flag the self-move
    *a = std::move(*alias);
    BOOST_TEST(limit.open() == 1u);
    a.reset();
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(an_empty_slot_releases_nothing)
{
    connection_limit limit(1);
    auto a = limit.try_acquire();
    {
        connection_slot empty;
        connection_slot other;
        other = std::move(empty);
    }
    BOOST_TEST(limit.open() == 1u);
    connection_slot receiver;
    receiver = std::move(*a);
    BOOST_TEST(limit.open() == 1u);
    a.reset();
    BOOST_TEST(limit.open() == 1u);
}

BOOST_AUTO_TEST_CASE(a_slot_given_a_second_place_releases_both_once)
{
    connection_limit connections(10);
    connection_limit streams(1);
    auto slot = connections.try_acquire();
    auto place = streams.try_acquire();
    BOOST_REQUIRE(slot.has_value());
    BOOST_REQUIRE(place.has_value());
    slot->add(std::move(*place));
    place.reset(); // the place moved into slot: nothing released yet
    BOOST_TEST(streams.open() == 1u);
    BOOST_TEST(!streams.try_acquire().has_value());
    connection_slot moved(std::move(*slot));
    slot.reset();
    BOOST_TEST(connections.open() == 1u);
    BOOST_TEST(streams.open() == 1u);
    moved = connection_slot{};
    BOOST_TEST(connections.open() == 0u);
    BOOST_TEST(streams.open() == 0u);
}

BOOST_AUTO_TEST_CASE(adding_a_place_twice_releases_the_first_one)
{
    connection_limit connections(1);
    connection_limit streams(2);
    auto slot = connections.try_acquire();
    auto a = streams.try_acquire();
    auto b = streams.try_acquire();
    slot->add(std::move(*a));
    slot->add(std::move(*b));
    BOOST_TEST(streams.open() == 1u);
    slot.reset();
    BOOST_TEST(streams.open() == 0u);
    BOOST_TEST(connections.open() == 0u);
}

BOOST_AUTO_TEST_CASE(concurrent_acquires_never_exceed_max)
{
    constexpr std::size_t max = 100;
    connection_limit limit(max);
    std::vector<std::vector<connection_slot>> held(4);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < held.size(); ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < 1000; ++i)
                if (auto s = limit.try_acquire())
                    held[t].push_back(std::move(*s));
        });
    for (auto& th : pool)
        th.join();
    std::size_t total = 0;
    for (auto const& v : held)
        total += v.size();
    BOOST_TEST(total == max);
    BOOST_TEST(limit.open() == max);
    held.clear();
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_CASE(concurrent_acquire_and_release_balance_out)
{
    connection_limit limit(8);
    std::atomic<int> acquired{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
        pool.emplace_back([&] {
            for (int i = 0; i < 5000; ++i)
                if (auto s = limit.try_acquire())
                    acquired.fetch_add(1, std::memory_order_relaxed);
        });
    for (auto& th : pool)
        th.join();
    BOOST_TEST(acquired.load() > 0);
    BOOST_TEST(limit.open() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
