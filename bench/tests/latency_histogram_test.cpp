#include "latency_histogram.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(latency_histogram_test)

BOOST_AUTO_TEST_CASE(percentiles_are_within_two_percent)
{
    loadgen::latency_histogram h;
    for (std::int64_t v = 1; v <= 100000; ++v)
        h.record(v);
    BOOST_TEST(h.count() == 100000u);
    BOOST_TEST(h.max() == 100000);
    BOOST_TEST(h.percentile(0.5) >= 50000);
    BOOST_TEST(h.percentile(0.5) <= 51000);
    BOOST_TEST(h.percentile(0.99) >= 99000);
    BOOST_TEST(h.percentile(0.99) <= 100000);
}

BOOST_AUTO_TEST_SUITE_END()
