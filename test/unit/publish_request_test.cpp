// hub/publish_request: a POST /publish body becomes drafts, or one reason it is refused whole.
#include "ssehub/http/publish_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

using ssehub::event_draft;
using ssehub::parse_publish_body;
using ssehub::publish_limits;
using namespace std::string_literals;

namespace {

std::vector<event_draft> accepted(std::string_view body, publish_limits const& limits = {})
{
    auto r = parse_publish_body(body, limits);
    auto const* err = std::get_if<std::string>(&r);
    BOOST_REQUIRE_MESSAGE(err == nullptr, "refused [" << body << "]: " << (err ? *err : ""));
    return std::get<std::vector<event_draft>>(std::move(r));
}

std::string refused(std::string_view body, publish_limits const& limits = {})
{
    auto r = parse_publish_body(body, limits);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<std::string>(r), "accepted [" << body << "]");
    auto const& err = std::get<std::string>(r);
    BOOST_TEST(!err.empty(), "empty error for [" << body << "]");
    return err;
}

// `item` as the only event, and as the second event of an array after a valid one.
void check_refused_everywhere(std::string const& item)
{
    BOOST_TEST_CONTEXT("item " << item)
    {
        refused(item);
        refused("[" + item + "]");
        refused(R"([{"data":"fine"},)" + item + "]");
    }
}

std::string hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
        out += ' ';
    }
    return out;
}

std::string nested_arrays(int depth)
{
    return std::string(static_cast<std::size_t>(depth), '[') + "1" + std::string(static_cast<std::size_t>(depth), ']');
}

} // namespace

BOOST_AUTO_TEST_SUITE(publish_request_test)

BOOST_AUTO_TEST_CASE(a_single_object_is_one_draft)
{
    auto const d = accepted(R"({"topic":"news","event":"update","data":"hello"})");
    BOOST_REQUIRE_EQUAL(d.size(), 1u);
    BOOST_TEST(d[0].topic == "news");
    BOOST_TEST(d[0].event == "update");
    BOOST_TEST(d[0].payload == "hello");
}

BOOST_AUTO_TEST_CASE(field_order_does_not_matter)
{
    auto const d = accepted(R"({"data":"hello","event":"update","topic":"news"})");
    BOOST_REQUIRE_EQUAL(d.size(), 1u);
    BOOST_TEST(d[0].topic == "news");
    BOOST_TEST(d[0].event == "update");
    BOOST_TEST(d[0].payload == "hello");
}

BOOST_AUTO_TEST_CASE(topic_and_event_default)
{
    auto const d = accepted(R"({"data":"x"})");
    BOOST_REQUIRE_EQUAL(d.size(), 1u);
    BOOST_TEST(d[0].topic == "default");
    BOOST_TEST(d[0].event == "message");

    publish_limits limits;
    limits.default_topic = "elsewhere";
    auto const e = accepted(R"([{"data":"x"},{"data":"y","topic":"t"}])", limits);
    BOOST_REQUIRE_EQUAL(e.size(), 2u);
    BOOST_TEST(e[0].topic == "elsewhere");
    BOOST_TEST(e[1].topic == "t");
    BOOST_TEST(e[1].event == "message");
}

BOOST_AUTO_TEST_CASE(an_array_gives_drafts_in_order)
{
    auto const d = accepted(R"([{"data":"1"},{"data":"2","topic":"t","event":"e"},{"data":"3"}])");
    BOOST_REQUIRE_EQUAL(d.size(), 3u);
    BOOST_TEST(d[0].payload == "1");
    BOOST_TEST(d[1].payload == "2");
    BOOST_TEST(d[1].topic == "t");
    BOOST_TEST(d[1].event == "e");
    BOOST_TEST(d[2].payload == "3");
    BOOST_TEST(d[2].topic == "default");
    BOOST_TEST(d[2].event == "message");
}

BOOST_AUTO_TEST_CASE(string_data_is_sent_as_its_text)
{
    BOOST_TEST(accepted(R"({"data":"line1\nline2"})")[0].payload == "line1\nline2");
    BOOST_TEST(accepted(R"({"data":"\"quoted\""})")[0].payload == "\"quoted\"");
    BOOST_TEST(accepted(R"({"data":""})")[0].payload == "");
    BOOST_TEST(accepted(R"({"data":"caf\u00e9 \u2713"})")[0].payload == "caf\xC3\xA9 \xE2\x9C\x93");
    BOOST_TEST(accepted("{\"data\":\"caf\xC3\xA9\"}")[0].payload == "caf\xC3\xA9");
    BOOST_TEST(accepted(R"({"data":"a\r\nb"})")[0].payload == "a\r\nb"); // the encoder splits it, not this
    BOOST_TEST(accepted(R"({"data":"123"})")[0].payload == "123");
}

BOOST_AUTO_TEST_CASE(other_data_is_sent_as_compact_json)
{
    auto const obj = accepted("{ \"data\" : { \"a\" : 1 ,\n \"b\" : [ true , null , \"s p\" ] } }")[0].payload;
    BOOST_TEST(obj == R"({"a":1,"b":[true,null,"s p"]})");
    BOOST_TEST(boost::json::parse(obj) == boost::json::parse(R"({"a":1,"b":[true,null,"s p"]})"));
    BOOST_TEST(accepted(R"({"data":42})")[0].payload == "42");
    BOOST_TEST(accepted(R"({"data":-1.5})")[0].payload.starts_with("-1.5"));
    BOOST_TEST(accepted(R"({"data":null})")[0].payload == "null");
    BOOST_TEST(accepted(R"({"data":false})")[0].payload == "false");
    BOOST_TEST(accepted(R"({"data":[1, 2]})")[0].payload == "[1,2]");
    BOOST_TEST(accepted(R"({"data":{}})")[0].payload == "{}");
    BOOST_TEST(accepted(R"({"data":{"s":"line\nbreak"}})")[0].payload == R"({"s":"line\nbreak"})");
    BOOST_TEST(accepted(" {\"data\":[1]} \r\n")[0].payload == "[1]"); // white space around the body
}

// Was a bug: 1e400 went out as `data: Infinity` and 123456789012345678901234567890 as
// 1.2345678901234568E29, neither what was published (the first not even JSON).
BOOST_AUTO_TEST_CASE(numbers_a_double_or_64_bits_cannot_hold_are_refused_everywhere)
{
    for (std::string const& number : {"1e400"s, "-1e400"s, "1e309"s, "-1e309"s, "1.0e999"s, "18446744073709551616"s,
                                      "-9223372036854775809"s, "123456789012345678901234567890"s}) {
        BOOST_TEST_CONTEXT("number " << number)
        {
            check_refused_everywhere(R"({"data":)" + number + "}");
            check_refused_everywhere(R"({"data":{"v":)" + number + "}}");
            check_refused_everywhere(R"({"data":[1,{"a":[)" + number + "]}]}");
            BOOST_TEST(refused(R"({"data":{"v":)" + number + "}}").find(number) != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(numbers_at_the_edges_come_back_exactly)
{
    auto const payload = [](std::string const& number) {
        return accepted(R"({"data":{"a":[)" + number + "]}}")[0].payload;
    };
    BOOST_TEST(payload("-9223372036854775808") == R"({"a":[-9223372036854775808]})"); // INT64_MIN
    BOOST_TEST(payload("18446744073709551615") == R"({"a":[18446744073709551615]})"); // UINT64_MAX
    BOOST_TEST(payload("9223372036854775807") == R"({"a":[9223372036854775807]})");
    BOOST_TEST(boost::json::parse(payload("1e308")).at("a").at(0).as_double() == 1e308);
    BOOST_TEST(boost::json::parse(payload("-1.7976931348623157e308")).at("a").at(0).as_double() == -1.7976931348623157e308);
    BOOST_TEST(boost::json::parse(payload("5e-324")).at("a").at(0).as_double() == 5e-324);
    // The nearest double, as JSON.parse reads it (Boost.JSON 1.81 alone gives the next one up).
    BOOST_TEST(payload("2.2250738585072011e-308") == R"({"a":[2.225073858507201E-308]})");
    BOOST_TEST(payload("-92233720368547.188750") == R"({"a":[-9.223372036854719E13]})");
    // Below the smallest double a number is 0, as JSON.parse and every IEEE 754 reader make it.
    BOOST_TEST(boost::json::parse(payload("1.5e-400")).at("a").at(0).as_double() == 0.0);
    // Whatever is accepted goes out as JSON that parses back to the same value.
    for (std::string const& number : {"0"s, "-0"s, "1.5"s, "1E2"s, "1e-7"s, "1e308"s, "2.5e-310"s, "1.5e-400"s}) {
        auto const text = payload(number);
        BOOST_TEST(boost::json::parse(text) == boost::json::parse(R"({"a":[)" + number + "]}"), number << " -> " << text);
    }
}

BOOST_AUTO_TEST_CASE(invalid_json_is_refused)
{
    for (std::string_view body : {"", " ", "not json", "{", R"({"data":1)", R"({"data":1}})", R"({"data":1} x)",
                                  R"({data:1})", R"({'data':1})", R"({"data":1,})", R"([{"data":1},])",
                                  R"({"data":"unterminated})", R"({"data":"bad \q escape"})"}) {
        BOOST_TEST_CONTEXT("body [" << body << "]")
        {
            refused(body);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_item_that_is_not_an_object_is_refused)
{
    for (std::string const& item : {"42"s, "\"x\""s, "null"s, "true"s, "[]"s})
        check_refused_everywhere(item);
    refused(R"([[{"data":1}]])"); // arrays do not nest
    refused(R"([{"data":1},[{"data":2}]])");
}

BOOST_AUTO_TEST_CASE(wrong_field_types_are_refused)
{
    for (std::string const& item : {R"({"topic":1,"data":1})"s, R"({"topic":null,"data":1})"s,
                                    R"({"topic":["a"],"data":1})"s, R"({"event":1,"data":1})"s,
                                    R"({"event":false,"data":1})"s, R"({"event":{"x":1},"data":1})"s})
        check_refused_everywhere(item);
}

BOOST_AUTO_TEST_CASE(bad_topics_are_refused)
{
    for (std::string const& topic : {""s, "a b"s, "a?b"s, "a&b"s, "caf\\u00e9"s, "a\\nb"s, std::string(129, 't')})
        check_refused_everywhere(R"({"topic":")" + topic + R"(","data":1})");
    accepted(R"({"topic":")" + std::string(128, 't') + R"(","data":1})");
}

BOOST_AUTO_TEST_CASE(bad_event_names_are_refused)
{
    for (std::string const& event : {""s, "a\\rb"s, "a\\nb"s, "a\\r\\nb"s, "a\\u0000b"s, "\\u0000"s, "tab\\there"s,
                                     "a\\u007fb"s, "a\\u0085b"s, "\\u0080"s, "\\u009f"s, "a\xC2\x85"s + "b",
                                     std::string(129, 'e')})
        check_refused_everywhere(R"({"event":")" + event + R"(","data":1})");
    accepted(R"({"event":")" + std::string(128, 'e') + R"(","data":1})");
    BOOST_TEST(accepted(R"({"event":"a\u00a0b","data":1})")[0].event == "a\xC2\xA0"s + "b"); // after C1: not a control
}

BOOST_AUTO_TEST_CASE(the_ssehub_prefix_is_reserved)
{
    check_refused_everywhere(R"({"event":"ssehub.history-lost","data":1})");
    check_refused_everywhere(R"({"event":"ssehub.anything","data":1})");
    check_refused_everywhere(R"({"event":"ssehub.","data":1})");
    // Only the prefix with its dot is reserved.
    BOOST_TEST(accepted(R"({"event":"ssehub","data":1})")[0].event == "ssehub");
    BOOST_TEST(accepted(R"({"event":"my.ssehub.x","data":1})")[0].event == "my.ssehub.x");
    BOOST_TEST(accepted(R"({"event":"message","data":1})")[0].event == "message");
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_refused_and_named)
{
    for (std::string_view field : {"id", "retry", "Data", "topics", "extra"}) {
        auto const item = R"({"data":1,")" + std::string(field) + R"(":"5"})";
        check_refused_everywhere(item);
        BOOST_TEST(refused(item).find(field) != std::string::npos, "message does not name " << field);
    }
}

BOOST_AUTO_TEST_CASE(missing_data_is_refused)
{
    check_refused_everywhere("{}");
    check_refused_everywhere(R"({"topic":"a"})");
    check_refused_everywhere(R"({"topic":"a","event":"e"})");
}

BOOST_AUTO_TEST_CASE(an_empty_array_is_refused)
{
    refused("[]");
    refused(" [ ] ");
}

BOOST_AUTO_TEST_CASE(too_many_events_are_refused)
{
    publish_limits limits;
    limits.max_events = 3;
    BOOST_TEST(accepted(R"([{"data":1},{"data":2},{"data":3}])", limits).size() == 3u);
    refused(R"([{"data":1},{"data":2},{"data":3},{"data":4}])", limits);

    std::string big = "[";
    for (int i = 0; i < 10001; ++i)
        big += (i ? "," : "") + std::string(R"({"data":1})");
    big += "]";
    refused(big); // the default limit is 10000
}

BOOST_AUTO_TEST_CASE(nesting_deeper_than_max_depth_is_refused)
{
    publish_limits limits;
    limits.max_depth = 8;
    accepted(R"({"data":)" + nested_arrays(3) + "}", limits);
    refused(R"({"data":)" + nested_arrays(20) + "}", limits);
    refused(R"([{"data":)" + nested_arrays(20) + "}]", limits);
    // The default is 32: a few hundred levels never reach the drafts.
    refused(R"({"data":)" + nested_arrays(500) + "}");
    accepted(R"({"data":)" + nested_arrays(10) + "}");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_json_string_is_refused)
{
    for (std::string const& bad : {"\xFF"s, "\xC3"s /* truncated */, "\xC0\xAF"s /* overlong '/' */,
                                   "\xED\xA0\x80"s /* surrogate */, "\x80"s, "ok\xF5\x80\x80\x80"s}) {
        BOOST_TEST_CONTEXT("bytes " << hex(bad))
        {
            refused(R"({"data":")" + bad + R"("})");
            refused(R"({"topic":")" + bad + R"(","data":1})");
            refused(R"({"event":")" + bad + R"(","data":1})");
            refused(R"({"d)" + bad + R"(ata":1})");
            refused(R"([{"data":1},{"data":")" + bad + R"("}])");
        }
    }
}

BOOST_AUTO_TEST_CASE(an_array_error_names_the_index)
{
    auto const with_bad_at = [](std::size_t bad) {
        std::string body = "[";
        for (std::size_t i = 0; i < 9; ++i)
            body += (i ? "," : "") + std::string(i == bad ? R"({"data":1,"nope":1})" : R"({"data":1})");
        return refused(body + "]");
    };
    auto const at5 = with_bad_at(5);
    auto const at7 = with_bad_at(7);
    BOOST_TEST(at5.find('5') != std::string::npos, at5);
    BOOST_TEST(at7.find('7') != std::string::npos, at7);
    BOOST_TEST(at5 != at7);
}

BOOST_AUTO_TEST_SUITE_END()
