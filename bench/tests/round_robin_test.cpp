#include "round_robin.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

namespace {

// How many of `count` connections, split over `threads` pools, each server gets from each pool
// (counts[pool][server]), as make_pools deals them out.
std::vector<std::vector<std::size_t>> dealt(std::size_t count, std::size_t threads, std::size_t servers)
{
    std::vector<std::vector<std::size_t>> counts(threads, std::vector<std::size_t>(servers));
    for (std::size_t t = 0; t < threads; ++t) {
        auto const s = loadgen::slice_of(count, threads, t);
        for (std::size_t k = s.first; k < s.first + s.count; ++k)
            ++counts[t][loadgen::server_of(k, servers)];
    }
    return counts;
}

} // namespace

BOOST_AUTO_TEST_SUITE(round_robin_test)

BOOST_AUTO_TEST_CASE(slices_cover_every_index_once_in_order)
{
    std::size_t next = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        auto const s = loadgen::slice_of(10, 3, i);
        BOOST_TEST(s.first == next);
        BOOST_TEST((s.count == 3 || s.count == 4));
        next += s.count;
    }
    BOOST_TEST(next == 10u);
    BOOST_TEST(loadgen::slice_of(10, 3, 0).count == 4u); // the first runs hold the remainder
}

// The cluster scenario: 1 000 subscribers on 2 threads over 2 instances: 250 of each thread's
// on each instance.
BOOST_AUTO_TEST_CASE(every_thread_serves_every_server_alike)
{
    auto const even = dealt(1000, 2, 2);
    for (auto const& pool : even)
        BOOST_TEST(pool == (std::vector<std::size_t>{250, 250}));
    auto const odd = dealt(7, 2, 3); // pools of 4 and 3: servers 0,1,2,0 and 1,2,0
    BOOST_TEST(odd[0] == (std::vector<std::size_t>{2, 1, 1}));
    BOOST_TEST(odd[1] == (std::vector<std::size_t>{1, 1, 1}));
}

BOOST_AUTO_TEST_CASE(one_server_takes_everything)
{
    for (std::size_t k = 0; k < 5; ++k)
        BOOST_TEST(loadgen::server_of(k, 1) == 0u);
    BOOST_TEST(loadgen::server_of(5, 2) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
