#include "ssehub/server/heap_arenas.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

BOOST_AUTO_TEST_SUITE(heap_arenas_test)

using ssehub::heap_arenas_for;

BOOST_AUTO_TEST_CASE(one_arena_per_four_io_threads_and_at_least_one)
{
    BOOST_TEST(heap_arenas_for(0) == 1u);
    BOOST_TEST(heap_arenas_for(1) == 1u);
    BOOST_TEST(heap_arenas_for(2) == 1u);
    BOOST_TEST(heap_arenas_for(4) == 1u);
    BOOST_TEST(heap_arenas_for(5) == 2u);
    BOOST_TEST(heap_arenas_for(16) == 4u);
}

BOOST_AUTO_TEST_CASE(a_user_setting_of_malloc_arena_max_wins)
{
    ::setenv("MALLOC_ARENA_MAX", "3", 1);
    BOOST_TEST(ssehub::limit_heap_arenas(2) == 0u); // left alone
    ::unsetenv("MALLOC_ARENA_MAX");
#if defined(__GLIBC__)
    BOOST_TEST(ssehub::limit_heap_arenas(2) == 1u);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
