// server/ticker: the demo tick and stats events, and their ISO-8601 UTC timestamps.
#include "ssehub/server/ticker.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include "support/local_time_zone.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

using namespace std::chrono;
using ssehub::iso8601_utc;

namespace {

// 2026-11-21T20:44:00.123Z
system_clock::time_point const known = sys_days{year{2026} / 11 / 21} + hours{20} + minutes{44} + seconds{0} + milliseconds{123};

std::regex const iso_ms_z(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");

using ssehub::test::local_time_zone;

boost::json::object payload_object(ssehub::event_draft const& d)
{
    // One data line: compact JSON without line breaks.
    BOOST_TEST(d.payload.find_first_of("\r\n") == std::string::npos);
    auto const doc = boost::json::parse(d.payload);
    BOOST_REQUIRE(doc.is_object());
    return doc.as_object();
}

std::string string_field(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    BOOST_REQUIRE_MESSAGE(v && v->is_string(), key << " is not a string");
    return std::string(v->as_string());
}

std::int64_t int_field(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    BOOST_REQUIRE_MESSAGE(v && (v->is_int64() || v->is_uint64()), key << " is not an integer");
    return v->to_number<std::int64_t>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(ticker_test)

BOOST_AUTO_TEST_CASE(iso8601_utc_of_known_times)
{
    BOOST_TEST(iso8601_utc(known) == "2026-11-21T20:44:00.123Z");
    BOOST_TEST(iso8601_utc(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(iso8601_utc(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59} + milliseconds{999})
               == "2024-02-29T23:59:59.999Z");
    BOOST_TEST(iso8601_utc(sys_days{year{2000} / 1 / 2} + hours{3} + minutes{4} + seconds{5} + milliseconds{7})
               == "2000-01-02T03:04:05.007Z"); // zero-padded milliseconds
    BOOST_TEST(iso8601_utc(sys_days{year{2030} / 12 / 31} + milliseconds{50}) == "2030-12-31T00:00:00.050Z");
}

BOOST_AUTO_TEST_CASE(iso8601_utc_does_not_depend_on_the_local_time_zone)
{
    for (char const* tz : {"XYZ-5:30", "ABC+7"}) { // POSIX TZ strings: no tzdata needed
        local_time_zone const zone(tz);
        BOOST_TEST(iso8601_utc(known) == "2026-11-21T20:44:00.123Z", "TZ=" << tz);
    }
}

BOOST_AUTO_TEST_CASE(iso8601_utc_ignores_sub_millisecond_parts)
{
    BOOST_TEST(iso8601_utc(known + microseconds{456}) == "2026-11-21T20:44:00.123Z");
}

BOOST_AUTO_TEST_CASE(iso8601_utc_of_now_has_the_format)
{
    auto const now = iso8601_utc(system_clock::now());
    BOOST_TEST(std::regex_match(now, iso_ms_z), now);
}

BOOST_AUTO_TEST_CASE(make_tick_is_a_tick_event_with_n_and_time)
{
    auto const d = ssehub::make_tick("ticker", 42, known);
    BOOST_TEST(d.topic == "ticker");
    BOOST_TEST(d.event == "tick");
    auto const o = payload_object(d);
    BOOST_TEST(o.size() == 2u);
    BOOST_TEST(int_field(o, "n") == 42);
    BOOST_TEST(string_field(o, "time") == "2026-11-21T20:44:00.123Z");

    auto const other = ssehub::make_tick("elsewhere", 7, known + seconds{1});
    BOOST_TEST(other.topic == "elsewhere");
    auto const p = payload_object(other);
    BOOST_TEST(int_field(p, "n") == 7);
    BOOST_TEST(string_field(p, "time") == "2026-11-21T20:44:01.123Z");
}

BOOST_AUTO_TEST_CASE(make_tick_encodes_as_one_data_line)
{
    auto const d = ssehub::make_tick("ticker", 1, known);
    auto const body = ssehub::sse::encode_body(d.event, d.payload);
    BOOST_TEST(body == "event: tick\ndata: " + d.payload + "\n\n");
}

BOOST_AUTO_TEST_CASE(make_stats_carries_every_field)
{
    ssehub::stats_snapshot s;
    s.subscribers = 3; // distinct values, so a swapped field shows
    s.connections = 5;
    s.published = 7;
    s.delivered = 11;
    s.slow_disconnects = 13;
    s.instance = "hub-b";
    auto const d = ssehub::make_stats("stats", s, known);
    BOOST_TEST(d.topic == "stats");
    BOOST_TEST(d.event == "stats");
    auto const o = payload_object(d);
    BOOST_TEST(int_field(o, "subscribers") == 3);
    BOOST_TEST(int_field(o, "connections") == 5);
    BOOST_TEST(int_field(o, "published") == 7);
    BOOST_TEST(int_field(o, "delivered") == 11);
    BOOST_TEST(int_field(o, "slowDisconnects") == 13);
    BOOST_TEST(string_field(o, "time") == "2026-11-21T20:44:00.123Z");
    BOOST_TEST(string_field(o, "instance") == "hub-b"); // each instance's figures on the page
    BOOST_TEST(o.size() == 7u);
}

BOOST_AUTO_TEST_CASE(make_tick_names_its_instance_only_when_given_one)
{
    // In a cluster every instance ticks: the instance tells the ticks apart.
    auto const o = payload_object(ssehub::make_tick("ticker", 3, known, "hub-a"));
    BOOST_TEST(string_field(o, "instance") == "hub-a");
    BOOST_TEST(o.size() == 3u);
    BOOST_TEST(!payload_object(ssehub::make_tick("ticker", 3, known)).contains("instance"));
}

BOOST_AUTO_TEST_SUITE_END()
