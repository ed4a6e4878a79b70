// http/url: request-target split, percent-decoding, query parameters.
#include "ssehub/http/url.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using ssehub::parse_query;
using ssehub::percent_decode;
using ssehub::split_target;
using namespace std::string_literals;

namespace {

// The decoded text, or "<bad>": printable in a failed check.
std::string decode(std::string_view text, bool plus_is_space)
{
    auto const r = percent_decode(text, plus_is_space);
    return r ? *r : "<bad>";
}

struct param {
    std::string name;
    std::string value;
    bool operator==(param const&) const = default;
    friend std::ostream& operator<<(std::ostream& os, param const& p) { return os << p.name << "=" << p.value; }
};

std::vector<param> query(std::string_view q)
{
    auto const r = parse_query(q);
    BOOST_REQUIRE_MESSAGE(r.has_value(), "refused query [" << q << "]");
    std::vector<param> out;
    for (auto const& [n, v] : *r)
        out.push_back({n, v});
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(url_test)

BOOST_AUTO_TEST_CASE(split_target_separates_path_and_query)
{
    auto const a = split_target("/events?topic=a&x=1");
    BOOST_TEST(a.path == "/events");
    BOOST_TEST(a.query == "topic=a&x=1");

    auto const b = split_target("/");
    BOOST_TEST(b.path == "/");
    BOOST_TEST(b.query == "");

    auto const c = split_target("/a?");
    BOOST_TEST(c.path == "/a");
    BOOST_TEST(c.query == "");

    auto const d = split_target("/a?b?c=d");
    BOOST_TEST(d.path == "/a");
    BOOST_TEST(d.query == "b?c=d"); // only the first '?' splits

    auto const e = split_target("?x=1");
    BOOST_TEST(e.path == "");
    BOOST_TEST(e.query == "x=1");

    auto const f = split_target("");
    BOOST_TEST(f.path == "");
    BOOST_TEST(f.query == "");
}

BOOST_AUTO_TEST_CASE(percent_escapes_decode_in_either_case)
{
    BOOST_TEST(decode("a%20b", false) == "a b");
    BOOST_TEST(decode("%41%42", false) == "AB");
    BOOST_TEST(decode("%2f%2F", false) == "//");
    BOOST_TEST(decode("%e2%9c%93", false) == "\xE2\x9C\x93");
    BOOST_TEST(decode("%C3%A9", false) == "\xC3\xA9");
    BOOST_TEST(decode("%25", false) == "%");
    BOOST_TEST(decode("%2541", false) == "%41"); // decoded once, not twice
    BOOST_TEST(decode("%ff", false) == "\xFF");
    BOOST_TEST(decode("", false) == "");
    BOOST_TEST(decode("plain/text.js", false) == "plain/text.js");
}

BOOST_AUTO_TEST_CASE(percent_00_decodes_to_a_nul_byte)
{
    auto const r = percent_decode("a%00b", false);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(*r == "a\0b"s);
    BOOST_TEST(r->size() == 3u);
}

BOOST_AUTO_TEST_CASE(bad_or_truncated_escapes_are_refused)
{
    for (std::string_view bad : {"%", "%4", "a%", "a%4", "100%", "%zz", "%g0", "%0g", "%%41", "% 41", "%-1", "%+1"}) {
        BOOST_TEST(decode(bad, false) == "<bad>", "decoded [" << bad << "]");
        BOOST_TEST(decode(bad, true) == "<bad>", "decoded [" << bad << "] as a query");
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_escape_is_not_completed_from_bytes_after_the_view)
{
    std::string const buffer = "a%4142";
    std::string_view const view = std::string_view(buffer).substr(0, 3); // "a%4"
    BOOST_TEST(decode(view, false) == "<bad>");
    BOOST_TEST(decode(std::string_view(buffer).substr(0, 2), true) == "<bad>"); // "a%"
    BOOST_TEST(decode(std::string_view(buffer).substr(0, 4), false) == "aA"); // "a%41"
}

BOOST_AUTO_TEST_CASE(plus_is_a_space_only_in_a_query)
{
    BOOST_TEST(decode("a+b", true) == "a b");
    BOOST_TEST(decode("a+b", false) == "a+b");
    BOOST_TEST(decode("%2B", true) == "+"); // an encoded plus stays a plus
    BOOST_TEST(decode("%2b", false) == "+");
    BOOST_TEST(decode("++", true) == "  ");
}

BOOST_AUTO_TEST_CASE(query_pairs_decode_in_order)
{
    BOOST_TEST(query("") == std::vector<param>{}, boost::test_tools::per_element());
    BOOST_TEST(query("a=1&b=2") == (std::vector<param>{{"a", "1"}, {"b", "2"}}), boost::test_tools::per_element());
    BOOST_TEST(query("q=a%20b+c&k%3D=v%26") == (std::vector<param>{{"q", "a b c"}, {"k=", "v&"}}),
               boost::test_tools::per_element());
    BOOST_TEST(query("a=1=2") == (std::vector<param>{{"a", "1=2"}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(repeated_parameters_are_all_kept)
{
    BOOST_TEST(query("topic=a&topic=b&x=1&topic=c")
                   == (std::vector<param>{{"topic", "a"}, {"topic", "b"}, {"x", "1"}, {"topic", "c"}}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_parts_are_skipped)
{
    BOOST_TEST(query("&&a=1&&b=2&") == (std::vector<param>{{"a", "1"}, {"b", "2"}}), boost::test_tools::per_element());
    BOOST_TEST(query("&") == std::vector<param>{}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_name_without_equals_has_an_empty_value)
{
    BOOST_TEST(query("flag&a=1") == (std::vector<param>{{"flag", ""}, {"a", "1"}}), boost::test_tools::per_element());
    BOOST_TEST(query("a=") == (std::vector<param>{{"a", ""}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_badly_encoded_part_refuses_the_whole_query)
{
    for (std::string_view bad : {"a=1&b=%zz", "a%=1", "a=%", "x=%4&y=1", "%g=1"})
        BOOST_TEST(!parse_query(bad).has_value(), "accepted [" << bad << "]");
}

BOOST_AUTO_TEST_SUITE_END()
