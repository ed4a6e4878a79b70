#include "payload.hpp"

#include <boost/test/unit_test.hpp>

#include <array>

BOOST_AUTO_TEST_SUITE(payload_test)

BOOST_AUTO_TEST_CASE(round_trips_and_pads_to_size)
{
    std::array<char, 512> buf{};
    auto const n = loadgen::format_payload(buf, {3, 12345, 987654321}, 100);
    BOOST_TEST(n == 100u);
    std::string_view const text(buf.data(), n);
    BOOST_TEST(text.starts_with(R"({"p":3,"seq":12345,"ts":987654321,"pad":"x)"));
    auto const f = loadgen::parse_payload(text);
    BOOST_REQUIRE(f.has_value());
    BOOST_TEST(f->publisher == 3u);
    BOOST_TEST(f->seq == 12345u);
    BOOST_TEST(f->sent_us == 987654321);
    BOOST_TEST(!loadgen::parse_payload(R"({"reason":"history lost"})").has_value());
    BOOST_TEST(!loadgen::parse_payload(R"({"p":3,"seq":x,"ts":1})").has_value());
    BOOST_TEST(!loadgen::parse_payload(R"({"p":3,"seq":12)").has_value());
}

// Another order or spacing (a server that re-serialises the JSON) still reads.
BOOST_AUTO_TEST_CASE(keys_in_another_order_or_with_spaces)
{
    auto const f = loadgen::parse_payload(R"({"ts":987654321,"seq":12345,"p":3,"pad":"xx"})");
    BOOST_REQUIRE(f.has_value());
    BOOST_TEST(f->publisher == 3u);
    BOOST_TEST(f->seq == 12345u);
    BOOST_TEST(f->sent_us == 987654321);
    auto const g = loadgen::parse_payload(R"({"p":3, "seq":12345, "ts":987654321})");
    BOOST_REQUIRE(g.has_value());
    BOOST_TEST(g->seq == 12345u);
}

BOOST_AUTO_TEST_SUITE_END()
