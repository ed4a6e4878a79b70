// support/event_parser (the tests' browser-exact reader): the WHATWG "interpret an event stream" rules, fed in arbitrary slices.
#include "support/event_parser.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <ostream>
#include <vector>

using ssehub::test::event_parser;
using ssehub::test::parsed_event;
using namespace std::string_literals;

namespace {

struct seen_event {
    std::string type;
    std::string data;
    std::string last_event_id;
    bool operator==(seen_event const&) const = default;
    friend std::ostream& operator<<(std::ostream& os, seen_event const& e)
    {
        return os << "{" << e.type << "|" << e.data << "|" << e.last_event_id << "}";
    }
};

seen_event ev(std::string type, std::string data, std::string last_event_id)
{
    return {std::move(type), std::move(data), std::move(last_event_id)};
}

// Collects what one parser reports. Not copyable: the parser's handlers point at it.
struct collector {
    std::vector<seen_event> events;
    std::vector<std::string> comments;
    event_parser parser{[this](parsed_event const& e) { events.push_back({e.type, e.data, e.last_event_id}); },
                        [this](std::string_view c) { comments.emplace_back(c); }};

    collector() = default;
    collector(collector const&) = delete;
    collector& operator=(collector const&) = delete;

    collector& feed(std::string_view bytes)
    {
        parser.feed(bytes);
        return *this;
    }
};

struct outcome {
    std::vector<seen_event> events;
    std::vector<std::string> comments;
    std::string last_event_id;
    std::optional<std::uint64_t> retry;
    bool operator==(outcome const&) const = default;
};

template <class Slicer>
outcome parse_sliced(std::string_view stream, Slicer slicer)
{
    collector c;
    slicer(c, stream);
    return {c.events, c.comments, c.parser.last_event_id(), c.parser.retry()};
}

outcome parse_whole(std::string_view stream)
{
    return parse_sliced(stream, [](collector& c, std::string_view s) { c.feed(s); });
}

// A stream exercising every rule at once; used to compare slicings.
std::string const mixed_stream = "\xEF\xBB\xBF"
                                 ": opening comment\r\n"
                                 "retry: 2500\r\n"
                                 "id: 1\r\n"
                                 "event: first\r\n"
                                 "data: a\r\n"
                                 "data:b\r\n"
                                 "\r\n"
                                 "data: cr line\r"
                                 "data\r"
                                 "\r"
                                 "id: 2\n"
                                 "data:  two spaces\n"
                                 "unknown: field\n"
                                 "\n"
                                 "id: 3\0bad\n"s
                                 "event: only-type\n"
                                 "\n"
                                 "data: after reset\r\n"
                                 "\r"
                                 "\n"
                                 "retry: 12x\n"
                                 "data: end\n"
                                 "\n"
                                 "data: never dispatched";

} // namespace

BOOST_AUTO_TEST_SUITE(event_parser_test)

BOOST_AUTO_TEST_CASE(simple_event)
{
    collector c;
    c.feed("data: hello\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0] == ev("message", "hello", ""));
}

BOOST_AUTO_TEST_CASE(an_event_is_dispatched_only_by_a_blank_line)
{
    collector c;
    c.feed("data: hello\n");
    BOOST_TEST(c.events.empty());
    c.feed("\n");
    BOOST_TEST(c.events.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_unfinished_event_at_the_end_is_not_dispatched)
{
    collector c;
    c.feed("data: complete\n\ndata: partial\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "complete");
}

BOOST_AUTO_TEST_CASE(data_lines_are_joined_with_lf)
{
    collector c;
    c.feed("data: a\ndata: b\ndata\ndata: c\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "a\nb\n\nc");
}

BOOST_AUTO_TEST_CASE(lf_cr_and_crlf_all_end_lines)
{
    for (std::string_view eol : {"\n", "\r", "\r\n"}) {
        BOOST_TEST_CONTEXT("eol " << (eol == "\n" ? "LF" : eol == "\r" ? "CR" : "CRLF"))
        {
            std::string stream;
            for (std::string_view line : {"event: e", "data: a", "data: b", "", "data: c", ""}) {
                stream += line;
                stream += eol;
            }
            collector c;
            c.feed(stream);
            // CRLF counted as two line breaks would dispatch after every line: 4 events, not 2.
            BOOST_REQUIRE_EQUAL(c.events.size(), 2u);
            BOOST_TEST(c.events[0] == ev("e", "a\nb", ""));
            BOOST_TEST(c.events[1] == ev("message", "c", ""));
        }
    }
}

BOOST_AUTO_TEST_CASE(crlf_split_across_feeds_is_one_line_break)
{
    collector c;
    c.feed("data: a\r").feed("\ndata: b\r").feed("\n\r").feed("\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "a\nb");
}

BOOST_AUTO_TEST_CASE(cr_at_the_end_of_a_feed_survives_an_empty_feed)
{
    collector c;
    c.feed("data: a\r").feed("").feed("\ndata: b\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "a\nb");
}

BOOST_AUTO_TEST_CASE(cr_at_the_end_of_a_feed_followed_by_another_line)
{
    collector c;
    c.feed("data: a\r").feed("data: b\r").feed("\r");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "a\nb");
}

BOOST_AUTO_TEST_CASE(a_bom_at_the_very_start_is_ignored)
{
    collector c;
    c.feed("\xEF\xBB\xBF" "data: x\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "x");
}

BOOST_AUTO_TEST_CASE(a_bom_split_across_feeds_is_ignored)
{
    collector c;
    c.feed("\xEF").feed("\xBB").feed("\xBF" "data: x\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "x");
}

BOOST_AUTO_TEST_CASE(only_one_bom_and_only_at_the_start_is_ignored)
{
    // A second BOM is part of the first field name, which is then unknown.
    collector twice;
    twice.feed("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n");
    BOOST_TEST(twice.events.empty());

    collector later;
    later.feed("data: a\n\n\xEF\xBB\xBF" "data: b\n\n");
    BOOST_REQUIRE_EQUAL(later.events.size(), 1u);
    BOOST_TEST(later.events[0].data == "a");
}

BOOST_AUTO_TEST_CASE(a_stream_starting_like_a_bom_but_not_one_is_kept)
{
    collector c;
    c.feed("\xEF").feed("data: x\n\n");
    BOOST_TEST(c.events.empty()); // the field name is "\xEF" "data": unknown
    collector d;
    d.feed("d").feed("ata: x\n\n");
    BOOST_REQUIRE_EQUAL(d.events.size(), 1u);
    BOOST_TEST(d.events[0].data == "x");
}

BOOST_AUTO_TEST_CASE(field_without_colon_has_an_empty_value)
{
    collector c;
    c.feed("data\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == ""); // one empty data line: dispatched, data ""

    collector e;
    e.feed("event: custom\nevent\ndata: x\n\n");
    BOOST_REQUIRE_EQUAL(e.events.size(), 1u);
    BOOST_TEST(e.events[0].type == "message");
}

BOOST_AUTO_TEST_CASE(only_one_leading_space_is_stripped)
{
    collector c;
    c.feed("data:no-space\n\ndata: one\n\ndata:  two\n\ndata: \n\ndata: a:b: c\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 5u);
    BOOST_TEST(c.events[0].data == "no-space");
    BOOST_TEST(c.events[1].data == "one");
    BOOST_TEST(c.events[2].data == " two");
    BOOST_TEST(c.events[3].data == "");
    BOOST_TEST(c.events[4].data == "a:b: c");
}

BOOST_AUTO_TEST_CASE(trailing_spaces_and_tabs_are_kept)
{
    collector c;
    c.feed("data:\ttab\ndata: x  \n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "\ttab\nx  ");
}

BOOST_AUTO_TEST_CASE(comments_are_reported_and_do_not_affect_events)
{
    collector c;
    c.feed(": hello\n\ndata: a\n: in between\ndata: b\n\n:\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "a\nb");
    BOOST_REQUIRE_EQUAL(c.comments.size(), 3u);
    BOOST_TEST(c.comments[0].ends_with("hello"));
    BOOST_TEST(c.comments[1].ends_with("in between"));
}

BOOST_AUTO_TEST_CASE(field_names_are_case_sensitive_and_unknown_fields_ignored)
{
    collector c;
    c.feed("Data: upper\nDATA: x\nfoo: bar\ndata : space before colon\n\ndata: real\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].data == "real");
}

BOOST_AUTO_TEST_CASE(id_sets_the_last_event_id_for_this_and_later_events)
{
    collector c;
    c.feed("id: 7\ndata: a\n\ndata: b\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 2u);
    BOOST_TEST(c.events[0].last_event_id == "7");
    BOOST_TEST(c.events[1].last_event_id == "7");
    BOOST_TEST(c.parser.last_event_id() == "7");
}

BOOST_AUTO_TEST_CASE(id_is_set_even_when_no_event_is_dispatched)
{
    collector c;
    c.feed("id: 5\n\n");
    BOOST_TEST(c.events.empty());
    BOOST_TEST(c.parser.last_event_id() == "5");
}

BOOST_AUTO_TEST_CASE(id_with_nul_is_ignored)
{
    collector c;
    c.feed("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"s);
    BOOST_REQUIRE_EQUAL(c.events.size(), 2u);
    BOOST_TEST(c.events[1].last_event_id == "1");
    BOOST_TEST(c.parser.last_event_id() == "1");
}

BOOST_AUTO_TEST_CASE(empty_id_resets_the_last_event_id)
{
    collector c;
    c.feed("id: 3\ndata: a\n\nid\ndata: b\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 2u);
    BOOST_TEST(c.events[1].last_event_id == "");
    BOOST_TEST(c.parser.last_event_id() == "");
}

BOOST_AUTO_TEST_CASE(id_is_taken_only_when_the_event_is_dispatched)
{
    collector c;
    c.feed("id: 1\ndata: a\n\nid: 2\ndata: b\n");
    BOOST_TEST(c.parser.last_event_id() == "1");
    c.feed("\n");
    BOOST_TEST(c.parser.last_event_id() == "2");
}

BOOST_AUTO_TEST_CASE(retry_accepts_only_ascii_digits)
{
    collector c;
    BOOST_TEST(!c.parser.retry().has_value());
    c.feed("retry: 1500\n\n");
    BOOST_REQUIRE(c.parser.retry().has_value());
    BOOST_TEST(*c.parser.retry() == 1500u);
    for (std::string_view bad : {"retry: 15x\n", "retry: -1\n", "retry: +1\n", "retry: 1.5\n", "retry: \n", "retry\n",
                                 "retry:  10\n", "retry: 10 \n", "retry: 0x10\n"}) {
        c.feed(bad);
        BOOST_TEST(*c.parser.retry() == 1500u, "after " << bad);
    }
    c.feed("retry: 0\n");
    BOOST_TEST(*c.parser.retry() == 0u);
    c.feed("retry:42\n");
    BOOST_TEST(*c.parser.retry() == 42u);
    BOOST_TEST(c.events.empty());
}

BOOST_AUTO_TEST_CASE(empty_data_buffer_is_not_dispatched)
{
    collector c;
    c.feed("\n\n\nevent: foo\n\nid: 9\n\nretry: 5\n\n: comment\n\n");
    BOOST_TEST(c.events.empty());
}

BOOST_AUTO_TEST_CASE(event_type_resets_after_dispatch)
{
    collector c;
    c.feed("event: a\ndata: 1\n\ndata: 2\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 2u);
    BOOST_TEST(c.events[0].type == "a");
    BOOST_TEST(c.events[1].type == "message");
}

BOOST_AUTO_TEST_CASE(event_type_resets_even_when_nothing_was_dispatched)
{
    collector c;
    c.feed("event: orphan\n\ndata: x\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].type == "message");
}

BOOST_AUTO_TEST_CASE(last_event_type_line_wins)
{
    collector c;
    c.feed("event: a\nevent: b\ndata: x\n\n");
    BOOST_REQUIRE_EQUAL(c.events.size(), 1u);
    BOOST_TEST(c.events[0].type == "b");
}

BOOST_AUTO_TEST_CASE(mixed_stream_parses_as_expected)
{
    auto const r = parse_whole(mixed_stream);
    std::vector<seen_event> const expected{
        {"first", "a\nb", "1"},
        {"message", "cr line\n", "1"},
        {"message", " two spaces", "2"},
        {"message", "after reset", "2"}, // id 3 had a NUL; "only-type" had no data and was reset
        {"message", "end", "2"},
    };
    BOOST_TEST(r.events == expected, boost::test_tools::per_element());
    BOOST_TEST(r.last_event_id == "2");
    BOOST_REQUIRE(r.retry.has_value());
    BOOST_TEST(*r.retry == 2500u);
    BOOST_TEST(r.comments.size() == 1u);
}

BOOST_AUTO_TEST_CASE(byte_by_byte_feeding_gives_the_same_result)
{
    auto const whole = parse_whole(mixed_stream);
    auto const bytes = parse_sliced(mixed_stream, [](collector& c, std::string_view s) {
        for (char ch : s)
            c.feed(std::string_view(&ch, 1));
    });
    BOOST_TEST(bytes.events == whole.events, boost::test_tools::per_element());
    BOOST_TEST(bytes.comments == whole.comments, boost::test_tools::per_element());
    BOOST_TEST(bytes.last_event_id == whole.last_event_id);
    BOOST_TEST((bytes.retry == whole.retry));
}

BOOST_AUTO_TEST_CASE(every_two_way_split_gives_the_same_result)
{
    auto const whole = parse_whole(mixed_stream);
    for (std::size_t cut = 0; cut <= mixed_stream.size(); ++cut) {
        auto const split = parse_sliced(mixed_stream, [cut](collector& c, std::string_view s) {
            c.feed(s.substr(0, cut));
            c.feed(s.substr(cut));
        });
        BOOST_TEST((split == whole), "split at " << cut);
    }
}

BOOST_AUTO_TEST_CASE(split_with_empty_feeds_between_every_byte)
{
    auto const whole = parse_whole(mixed_stream);
    auto const r = parse_sliced(mixed_stream, [](collector& c, std::string_view s) {
        c.feed("");
        for (std::size_t i = 0; i < s.size(); ++i)
            c.feed(s.substr(i, 1)).feed("");
    });
    BOOST_TEST((r == whole));
}

BOOST_AUTO_TEST_SUITE_END()
