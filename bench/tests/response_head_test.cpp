#include "response_head.hpp"

#include <boost/test/unit_test.hpp>

#include <string_view>

BOOST_AUTO_TEST_SUITE(response_head_test)

BOOST_AUTO_TEST_CASE(finds_where_the_body_starts)
{
    loadgen::response_head h;
    std::string_view const wire = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"ids\":1}";
    auto const used = h.feed(wire.substr(0, 20));
    BOOST_REQUIRE(used.has_value());
    BOOST_TEST(!h.complete());
    auto const rest = h.feed(wire.substr(20));
    BOOST_REQUIRE(rest.has_value());
    BOOST_TEST(h.complete());
    BOOST_TEST(h.status() == 202);
    BOOST_TEST(h.content_length().value_or(0) == 9u);
    BOOST_TEST(wire.substr(20 + *rest) == "{\"ids\":1}");
}

BOOST_AUTO_TEST_SUITE_END()
