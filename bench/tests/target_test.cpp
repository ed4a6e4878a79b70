#include "target.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>

BOOST_AUTO_TEST_SUITE(target_test)

BOOST_AUTO_TEST_CASE(parses_several_loopback_urls_in_order)
{
    auto const ts = loadgen::parse_targets({"http://127.0.0.1:8080/events?topic=a", "http://localhost:9090/x"});
    BOOST_REQUIRE(ts.has_value());
    BOOST_REQUIRE(ts->size() == 2u);
    BOOST_TEST(ntohs((*ts)[0].address.sin_port) == 8080);
    BOOST_TEST((*ts)[0].path == "/events?topic=a");
    BOOST_TEST((*ts)[1].host_header == "127.0.0.1:9090");
    BOOST_TEST((*ts)[1].path == "/x");
}

BOOST_AUTO_TEST_CASE(refuses_the_list_when_one_url_is_not_loopback_or_none_is_given)
{
    BOOST_TEST(!loadgen::parse_targets({"http://127.0.0.1:8080/", "http://10.0.0.1:8080/"}).has_value());
    BOOST_TEST(!loadgen::parse_targets({"http://127.0.0.1:8080/", "https://127.0.0.1:8081/"}).has_value());
    BOOST_TEST(!loadgen::parse_targets({}).has_value());
}

BOOST_AUTO_TEST_CASE(spread_goes_round_robin)
{
    auto const ts = *loadgen::parse_targets({"http://127.0.0.1:1/", "http://127.0.0.1:2/", "http://127.0.0.1:3/"});
    std::vector<int> ports;
    for (std::size_t i = 0; i < 7; ++i)
        ports.push_back(ntohs(loadgen::spread(ts, i).address.sin_port));
    BOOST_TEST(ports == (std::vector<int>{1, 2, 3, 1, 2, 3, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
