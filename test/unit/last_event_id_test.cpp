// sse/last_event_id: only plain decimal uint64 values are ids of ours.
#include "ssehub/sse/last_event_id.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace sse = ssehub::sse;
using namespace std::string_literals;

namespace {

// The parsed id as text, or "rejected": printable in a failed check.
std::string parse(std::string_view text)
{
    auto const id = sse::parse_last_event_id(text);
    return id ? std::to_string(*id) : "rejected";
}

} // namespace

BOOST_AUTO_TEST_SUITE(last_event_id_test)

BOOST_AUTO_TEST_CASE(plain_digits_are_accepted)
{
    BOOST_TEST(parse("0") == "0");
    BOOST_TEST(parse("1") == "1");
    BOOST_TEST(parse("42") == "42");
    BOOST_TEST(parse("1234567890") == "1234567890");
    BOOST_TEST(parse("007") == "7");
}

BOOST_AUTO_TEST_CASE(the_largest_uint64_and_twenty_digits_are_accepted)
{
    auto const max = sse::parse_last_event_id("18446744073709551615");
    BOOST_REQUIRE(max.has_value());
    BOOST_TEST(*max == std::numeric_limits<std::uint64_t>::max());
    BOOST_TEST(parse("00000000000000000042") == "42"); // 20 digits
}

BOOST_AUTO_TEST_CASE(overflow_is_rejected)
{
    BOOST_TEST(parse("18446744073709551616") == "rejected");
    BOOST_TEST(parse("99999999999999999999") == "rejected");
}

BOOST_AUTO_TEST_CASE(more_than_twenty_digits_are_rejected)
{
    BOOST_TEST(parse("000000000000000000001") == "rejected"); // 21 digits, value 1
    BOOST_TEST(parse("184467440737095516150") == "rejected");
}

BOOST_AUTO_TEST_CASE(a_10_kb_string_is_rejected)
{
    BOOST_TEST(parse(std::string(10 * 1024, '1')) == "rejected");
    BOOST_TEST(parse(std::string(10 * 1024, '0')) == "rejected");
}

BOOST_AUTO_TEST_CASE(anything_but_digits_is_rejected)
{
    for (std::string const& text : {""s, "-1"s, "+1"s, "-0"s, " 1"s, "1 "s, "\t1"s, "1\n"s, "1a"s, "a1"s, "0x10"s,
                                   "1.0"s, "1e3"s, "1,000"s, "abc"s, "\xEF\xBC\x91"s /* fullwidth 1 */, "1\0"s, "\0"s}) {
        BOOST_TEST(parse(text) == "rejected", "accepted [" << text << "]");
    }
}

// Was a bug: `?lastEventId=` (empty) got a history-lost while an empty header got a fresh stream.
BOOST_AUTO_TEST_CASE(an_empty_requested_id_is_no_id_in_the_header_and_the_query)
{
    auto const requested = [](std::string_view header, std::optional<std::string_view> query) {
        auto const id = sse::requested_last_event_id(header, query);
        return id ? "[" + std::string(*id) + "]" : "none"s;
    };
    BOOST_TEST(requested("", std::nullopt) == "none");
    BOOST_TEST(requested("", "") == "none");
    BOOST_TEST(requested("", "7") == "[7]");
    BOOST_TEST(requested("9", "7") == "[9]");
    BOOST_TEST(requested("9", "") == "[9]");
    BOOST_TEST(requested("9", std::nullopt) == "[9]");
    // Not empty, not an id: still asked for, so the hub answers it with a history-lost.
    BOOST_TEST(requested("", " ") == "[ ]");
}

BOOST_AUTO_TEST_SUITE_END()
