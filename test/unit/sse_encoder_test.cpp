// sse/sse_encoder: what the server writes must read back, through a WHATWG-conformant parser,
// as exactly the event that was published (line breaks normalized to LF, as a browser does).
#include "ssehub/sse/sse_encoder.hpp"

#include "support/event_parser.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse = ssehub::sse;
using ssehub::test::event_parser;
using ssehub::test::normalize_line_breaks;
using ssehub::test::parsed_event;
using namespace std::string_literals;

namespace {

struct parsed {
    std::vector<parsed_event> events;
    std::vector<std::string> comments;
    std::optional<std::uint64_t> retry;
};

parsed parse_all(std::string_view bytes)
{
    parsed out;
    event_parser p([&](parsed_event const& e) { out.events.push_back(e); },
                   [&](std::string_view c) { out.comments.emplace_back(c); });
    p.feed(bytes);
    out.retry = p.retry();
    return out;
}

// What a client's data buffer holds for `payload`: every CR, LF and CRLF becomes one LF.
std::string client_data(std::string_view payload)
{
    std::string out;
    for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] == '\r') {
            out += '\n';
            if (i + 1 < payload.size() && payload[i + 1] == '\n')
                ++i;
        } else {
            out += payload[i];
        }
    }
    return out;
}

std::vector<std::string> const tricky_payloads{
    ""s,
    "a"s,
    "a\nb"s,
    "a\rb"s,
    "a\r\nb"s,
    "a\n"s,
    "a\r"s,
    "a\r\n"s,
    "\n"s,
    "\r"s,
    "\r\n"s,
    "\n\n"s,
    "\r\r"s,
    "\n\r"s,     // two line breaks, not one
    "\r\n\r\n"s,
    "a\r\r\nb"s, // CR, then CRLF
    "a\n\nb"s,
    "\na"s,
    " leading space"s,
    "  two leading spaces"s,
    "data: nested field text"s,
    ": looks like a comment"s,
    "id: 99"s,
    "event: fake\n\ndata: injected"s,
    "tab\there"s,
    "nul\0inside"s,
    "{\"json\":[1,2,{\"k\":\"v\"}]}"s,
    "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x8E\x89"s, // café ✓ 🎉
};

} // namespace

BOOST_AUTO_TEST_SUITE(sse_encoder_test)

BOOST_AUTO_TEST_CASE(single_line_payload_is_one_data_line_and_a_blank_line)
{
    BOOST_TEST(sse::encode_body("message", "hello") == "data: hello\n\n");
}

BOOST_AUTO_TEST_CASE(event_line_written_for_a_non_default_type)
{
    BOOST_TEST(sse::encode_body("update", "x") == "event: update\ndata: x\n\n");
}

BOOST_AUTO_TEST_CASE(default_type_message_has_no_event_line)
{
    auto const body = sse::encode_body("message", "x");
    BOOST_TEST(body.find("event:") == std::string::npos);
    auto const p = parse_all(body);
    BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
    BOOST_TEST(p.events[0].type == "message");
}

BOOST_AUTO_TEST_CASE(each_line_break_starts_a_new_data_line)
{
    BOOST_TEST(sse::encode_body("message", "a\nb") == "data: a\ndata: b\n\n");
    BOOST_TEST(sse::encode_body("message", "a\rb") == "data: a\ndata: b\n\n");
    // CRLF is one line break for a client, so it must be one here too.
    BOOST_TEST(sse::encode_body("message", "a\r\nb") == "data: a\ndata: b\n\n");
    BOOST_TEST(sse::encode_body("message", "a\n\rb") == "data: a\ndata: \ndata: b\n\n");
}

BOOST_AUTO_TEST_CASE(trailing_and_consecutive_line_breaks_give_empty_data_lines)
{
    BOOST_TEST(sse::encode_body("message", "a\n") == "data: a\ndata: \n\n");
    BOOST_TEST(sse::encode_body("message", "a\r") == "data: a\ndata: \n\n");
    BOOST_TEST(sse::encode_body("message", "a\n\nb") == "data: a\ndata: \ndata: b\n\n");
    BOOST_TEST(sse::encode_body("message", "\n") == "data: \ndata: \n\n");
}

BOOST_AUTO_TEST_CASE(empty_payload_is_exactly_one_empty_data_line)
{
    // Without a data line a browser dispatches nothing; with one it fires an event whose data is "".
    BOOST_TEST(sse::encode_body("message", "") == "data: \n\n");
    auto const p = parse_all(sse::encode_body("message", ""));
    BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
    BOOST_TEST(p.events[0].data == "");
}

BOOST_AUTO_TEST_CASE(utf8_payload_bytes_are_untouched)
{
    std::string const payload = "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x8E\x89 \xE4\xB8\xAD\xE6\x96\x87";
    BOOST_TEST(sse::encode_body("message", payload) == "data: " + payload + "\n\n");
}

BOOST_AUTO_TEST_CASE(every_tricky_payload_round_trips_through_the_parser)
{
    for (auto const& payload : tricky_payloads) {
        for (std::string_view event : {"message", "update", "ssehub.history-lost"}) {
            BOOST_TEST_CONTEXT("payload [" << payload << "] event " << event)
            {
                auto const body = sse::encode_body(event, payload);
                // No CR may reach the wire: the frame's own line breaks are LF only.
                BOOST_TEST(body.find('\r') == std::string::npos);
                BOOST_TEST(body.ends_with("\n\n"));
                auto const p = parse_all(sse::encode_frame(7, body));
                BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
                BOOST_TEST(p.events[0].data == client_data(payload));
                BOOST_TEST(p.events[0].type == event);
                BOOST_TEST(p.events[0].last_event_id == "7");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(consecutive_frames_parse_as_separate_events)
{
    std::string stream;
    for (std::size_t i = 0; i < tricky_payloads.size(); ++i)
        stream += sse::encode_frame(i + 1, sse::encode_body(i % 2 ? "odd" : "message", tricky_payloads[i]));
    auto const p = parse_all(stream);
    BOOST_REQUIRE_EQUAL(p.events.size(), tricky_payloads.size());
    for (std::size_t i = 0; i < tricky_payloads.size(); ++i) {
        BOOST_TEST_CONTEXT("frame " << i)
        {
            BOOST_TEST(p.events[i].data == client_data(tricky_payloads[i]));
            BOOST_TEST(p.events[i].type == (i % 2 ? "odd" : "message"));
            BOOST_TEST(p.events[i].last_event_id == std::to_string(i + 1));
        }
    }
}

BOOST_AUTO_TEST_CASE(encode_frame_puts_the_id_line_first)
{
    BOOST_TEST(sse::encode_frame(42, sse::encode_body("update", "x")) == "id: 42\nevent: update\ndata: x\n\n");
    BOOST_TEST(sse::encode_frame(0, "data: x\n\n") == "id: 0\ndata: x\n\n");
    auto const max = std::numeric_limits<std::uint64_t>::max();
    BOOST_TEST(sse::encode_frame(max, "data: x\n\n") == "id: 18446744073709551615\ndata: x\n\n");
    auto const p = parse_all(sse::encode_frame(max, sse::encode_body("message", "x")));
    BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
    BOOST_TEST(p.events[0].last_event_id == "18446744073709551615");
}

BOOST_AUTO_TEST_CASE(valid_event_names)
{
    for (std::string const& name : {"a"s, "update"s, "ssehub.history-lost"s, "with space"s, "x:y"s,
                                   "caf\xC3\xA9"s, std::string(128, 'e')}) {
        BOOST_TEST_CONTEXT("name [" << name << "]")
        {
            BOOST_TEST(sse::is_valid_event_name(name));
            // A valid name survives the wire unchanged.
            auto const p = parse_all(sse::encode_body(name, "x"));
            BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
            BOOST_TEST(p.events[0].type == name);
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_event_names)
{
    BOOST_TEST(!sse::is_valid_event_name(""));
    BOOST_TEST(!sse::is_valid_event_name(std::string(129, 'e')));
    BOOST_TEST(!sse::is_valid_event_name("a\rb"));
    BOOST_TEST(!sse::is_valid_event_name("a\nb"));
    BOOST_TEST(!sse::is_valid_event_name("a\r\nb"));
    BOOST_TEST(!sse::is_valid_event_name("ab\n"));
    BOOST_TEST(!sse::is_valid_event_name("a\0b"s));
    BOOST_TEST(!sse::is_valid_event_name("\0"s));
    for (int c = 0; c < 0x20; ++c)
        BOOST_TEST(!sse::is_valid_event_name("x"s + static_cast<char>(c)), "control character " << c);
    BOOST_TEST(!sse::is_valid_event_name("x\x7f"));
}

// Was a bug: U+0085 (NEL) and the other C1 controls passed, although names are documented to
// have no control characters.
BOOST_AUTO_TEST_CASE(c1_control_characters_are_not_valid_in_event_names)
{
    for (int c = 0x80; c <= 0x9f; ++c)
        BOOST_TEST(!sse::is_valid_event_name("x\xC2"s + static_cast<char>(c) + "y"), "U+00" << std::hex << c);
    BOOST_TEST(sse::is_valid_event_name("x\xC2\xA0y"));       // U+00A0, no-break space: not a control
    BOOST_TEST(sse::is_valid_event_name("\xC3\x85"));         // U+00C5
    BOOST_TEST(sse::is_valid_event_name("\xE2\x80\x85"));     // U+2005: 0x85 as a continuation byte
}

BOOST_AUTO_TEST_CASE(encode_comment_is_one_comment_line)
{
    BOOST_TEST(sse::encode_comment("hello") == ": hello\n\n");
    auto const p = parse_all(sse::encode_comment("hello"));
    BOOST_TEST(p.events.empty());
    BOOST_REQUIRE_EQUAL(p.comments.size(), 1u);
    BOOST_TEST(p.comments[0].find("hello") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(encode_comment_strips_line_breaks)
{
    auto const c = sse::encode_comment("a\r\nb\nc\rd");
    BOOST_TEST(c == ": abcd\n\n");
    // Text that tries to smuggle an event stays inside the comment.
    auto const smuggle = sse::encode_comment("x\ndata: evil\r\n\r\nid: 666\n\n");
    BOOST_TEST(smuggle.find_first_of("\r\n") == smuggle.size() - 2);
    auto const p = parse_all(smuggle + "data: after\n\n");
    BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
    BOOST_TEST(p.events[0].data == "after");
    BOOST_TEST(p.events[0].last_event_id == "");
    BOOST_TEST(p.comments.size() == 1u);
}

BOOST_AUTO_TEST_CASE(encode_retry_sets_the_reconnection_time)
{
    BOOST_TEST(sse::encode_retry(3000) == "retry: 3000\n\n");
    BOOST_TEST(sse::encode_retry(0) == "retry: 0\n\n");
    auto const p = parse_all(sse::encode_retry(1234));
    BOOST_TEST(p.events.empty());
    BOOST_REQUIRE(p.retry.has_value());
    BOOST_TEST(*p.retry == 1234u);
}

BOOST_AUTO_TEST_CASE(append_data_lines_appends_without_the_dispatching_blank_line)
{
    std::string out = "id: 1\n";
    sse::append_data_lines(out, "a\r\nb");
    BOOST_TEST(out == "id: 1\ndata: a\ndata: b\n");
}

BOOST_AUTO_TEST_CASE(normalize_line_breaks_gives_lf_as_the_client_sees_them)
{
    BOOST_TEST(normalize_line_breaks("a\r\nb\rc\nd") == "a\nb\nc\nd");
    BOOST_TEST(normalize_line_breaks("\r\r\n\n") == "\n\n\n");
    BOOST_TEST(normalize_line_breaks("plain") == "plain");
    BOOST_TEST(normalize_line_breaks("") == "");
    BOOST_TEST(normalize_line_breaks("\n\r") == "\n\n");
    // It predicts exactly what a client reads back from the encoded payload.
    for (auto const& payload : tricky_payloads) {
        auto const p = parse_all(sse::encode_body("message", payload));
        BOOST_REQUIRE_EQUAL(p.events.size(), 1u);
        BOOST_TEST(normalize_line_breaks(payload) == p.events[0].data, "payload [" << payload << "]");
    }
}

// The stream's opening carries its position this way: a client cut before its first event
// still reconnects with a Last-Event-ID.
BOOST_AUTO_TEST_CASE(a_position_sets_the_last_event_id_without_dispatching_an_event)
{
    BOOST_TEST(sse::encode_position(41) == "id: 41\n\n");
    std::vector<parsed_event> events;
    event_parser p([&](parsed_event const& e) { events.push_back(e); });
    p.feed(sse::encode_position(41));
    BOOST_TEST(events.empty());
    BOOST_TEST(p.last_event_id() == "41");
    p.feed(sse::encode_frame(42, sse::encode_body("message", "x")));
    BOOST_REQUIRE_EQUAL(events.size(), 1u);
    BOOST_TEST(events[0].last_event_id == "42");
}

BOOST_AUTO_TEST_SUITE_END()
