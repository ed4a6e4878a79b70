// server/log_format: a json log line is one JSON object whose keys are the message's fields.
#include "ssehub/server/log_format.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;

namespace {

// 2026-11-21T20:53:14.868Z
auto const when = std::chrono::system_clock::time_point(1'795'294'394'868ms);

boost::json::object line_of(std::string_view message, std::string_view level = "info")
{
    auto const text = ssehub::json_log_line(when, level, message);
    BOOST_TEST(text.find('\n') == std::string::npos, "one line: " << text);
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    BOOST_REQUIRE_MESSAGE(!ec && v.is_object(), "not a JSON object: " << text);
    return v.as_object();
}

} // namespace

BOOST_AUTO_TEST_SUITE(log_format_test)

BOOST_AUTO_TEST_CASE(a_request_line_has_its_time_level_kind_and_each_field_as_a_key)
{
    auto const o = line_of("request method=POST path=/publish status=202 bytes=149 duration_ms=0.173 client=127.0.0.1:45436");
    BOOST_TEST(o.at("time").as_string() == "2026-11-21T20:53:14.868Z");
    BOOST_TEST(o.at("level").as_string() == "info");
    BOOST_TEST(o.at("msg").as_string() == "request");
    BOOST_TEST(o.at("method").as_string() == "POST");
    BOOST_TEST(o.at("path").as_string() == "/publish");
    BOOST_TEST(o.at("status").as_int64() == 202);
    BOOST_TEST(o.at("bytes").as_int64() == 149);
    BOOST_TEST(o.at("duration_ms").as_double() == 0.173);
    BOOST_TEST(o.at("client").as_string() == "127.0.0.1:45436");
    BOOST_TEST(o.size() == 9u);
}

BOOST_AUTO_TEST_CASE(a_quoted_value_keeps_its_spaces_and_stays_a_string)
{
    auto const o = line_of(R"(stream end path=/events status=200 bytes=5120 events=42 duration_ms=6533 client=127.0.0.1:45424 reason="peer closed" id="0042")");
    BOOST_TEST(o.at("msg").as_string() == "stream end");
    BOOST_TEST(o.at("reason").as_string() == "peer closed");
    BOOST_TEST(o.at("id").as_string() == "0042");
    BOOST_TEST(o.at("events").as_int64() == 42);
}

BOOST_AUTO_TEST_CASE(free_text_is_kept_whole_in_msg)
{
    for (auto const* m : {"ssehub 0.1.0 listening on http://127.0.0.1:8080 (static root 'static', 2 io threads)",
                          "signal 15 received", "stopped", "", "=x", "kind a=1 b", "kind a=\"unclosed",
                          "kind a=1 a=2", "kind msg=overwritten", "kind time=overwritten"}) {
        auto const o = line_of(m);
        BOOST_TEST(o.at("msg").as_string() == m);
        BOOST_TEST(o.size() == 3u, m);
    }
}

BOOST_AUTO_TEST_CASE(values_that_only_look_like_numbers_stay_strings)
{
    auto const o = line_of("kind a=007 b=1. c=-0 d=1e5 e=- f=1.5.2 g=-12.25");
    BOOST_TEST(o.at("a").as_string() == "007");
    BOOST_TEST(o.at("b").as_string() == "1.");
    BOOST_TEST(o.at("c").as_int64() == 0);
    BOOST_TEST(o.at("d").as_string() == "1e5");
    BOOST_TEST(o.at("e").as_string() == "-");
    BOOST_TEST(o.at("f").as_string() == "1.5.2");
    BOOST_TEST(o.at("g").as_double() == -12.25);
}

BOOST_AUTO_TEST_CASE(quotes_backslashes_and_control_characters_are_escaped)
{
    std::string const path = "/a\"b\\c\x01\x1f\x7f\t";
    auto const o = line_of("request method=GET path=" + path + " status=404");
    BOOST_TEST(o.at("path").as_string() == path);
    BOOST_TEST(o.at("status").as_int64() == 404);
    auto const multi = line_of("task ended by exception: line one\nline two\r\n\"quoted\"", "error");
    BOOST_TEST(multi.at("msg").as_string() == "task ended by exception: line one\nline two\r\n\"quoted\"");
    BOOST_TEST(multi.at("level").as_string() == "error");
}

BOOST_AUTO_TEST_CASE(utf8_passes_through_and_invalid_bytes_become_replacement_characters)
{
    auto const o = line_of("request path=/caf\xC3\xA9/\xF0\x9F\x8E\x89 bad=\xC3(\xED\xA0\x80\xC0\xAF\xFF\xF0\x9F\x8E");
    BOOST_TEST(o.at("path").as_string() == "/caf\xC3\xA9/\xF0\x9F\x8E\x89");
    auto const bad = std::string(o.at("bad").as_string());
    BOOST_TEST(bad.find("\xEF\xBF\xBD") != std::string::npos); // U+FFFD
    BOOST_TEST(bad.find('(') != std::string::npos);
    auto const text = ssehub::json_log_line(when, "info", "kind x=\xFF");
    BOOST_TEST(text.find("\\ufffd") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
