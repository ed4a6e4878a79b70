// hub/topic_filter: topic names are 1..128 bytes of [A-Za-z0-9_.:/-]; an empty filter is "all".
#include "ssehub/hub/topic_filter.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

using ssehub::is_valid_topic;
using ssehub::topic_filter;
using ssehub::topic_filter_pool;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(topic_filter_test)

BOOST_AUTO_TEST_CASE(every_byte_is_valid_exactly_when_it_is_in_the_charset)
{
    std::string_view const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-";
    for (int b = 0; b < 256; ++b) {
        auto const c = static_cast<char>(b);
        bool const expected = allowed.find(c) != std::string_view::npos;
        BOOST_TEST(is_valid_topic(std::string(1, c)) == expected, "byte " << b);
        BOOST_TEST(is_valid_topic("ok" + std::string(1, c) + "ok") == expected, "byte " << b << " inside");
    }
}

BOOST_AUTO_TEST_CASE(typical_topics_are_valid)
{
    for (std::string_view t : {"default", "ticker", "stats", "news/sports", "user:42", "a.b-c_d", "UPPER", "0"})
        BOOST_TEST(is_valid_topic(t), t);
}

BOOST_AUTO_TEST_CASE(length_is_1_to_128_bytes)
{
    BOOST_TEST(!is_valid_topic(""));
    BOOST_TEST(is_valid_topic("a"));
    BOOST_TEST(is_valid_topic(std::string(128, 'a')));
    BOOST_TEST(!is_valid_topic(std::string(129, 'a')));
    BOOST_TEST(!is_valid_topic(std::string(10000, 'a')));
}

BOOST_AUTO_TEST_CASE(characters_unsafe_in_a_query_or_log_are_invalid)
{
    for (std::string const& t : {"a b"s, "a?b"s, "a&b"s, "a=b"s, "a#b"s, "a%20b"s, "a+b"s, "a,b"s, "*"s, "a\nb"s, "a\0b"s,
                                "caf\xC3\xA9"s, "\"quoted\""s})
        BOOST_TEST(!is_valid_topic(t), "accepted [" << t << "]");
}

BOOST_AUTO_TEST_CASE(an_empty_filter_matches_every_topic)
{
    topic_filter const all;
    BOOST_TEST(all.all());
    BOOST_TEST(all.topics().empty());
    for (std::string_view t : {"default", "anything", "x/y"})
        BOOST_TEST(all.matches(t));

    topic_filter const from_empty_list(std::vector<std::string>{});
    BOOST_TEST(from_empty_list.all());
    BOOST_TEST(from_empty_list.matches("whatever"));
}

BOOST_AUTO_TEST_CASE(a_list_matches_exactly_its_topics)
{
    topic_filter const f(std::vector<std::string>{"news", "stats"});
    BOOST_TEST(!f.all());
    BOOST_TEST(f.matches("news"));
    BOOST_TEST(f.matches("stats"));
    for (std::string_view t : {"new", "newsx", "news/sports", "News", "ticker", "stat", ""})
        BOOST_TEST(!f.matches(t), "matched [" << t << "]");
}

BOOST_AUTO_TEST_CASE(duplicates_collapse)
{
    topic_filter const f(std::vector<std::string>{"b", "a", "b", "a", "c", "a"});
    BOOST_TEST(f.topics().size() == 3u);
    std::vector<std::string> const expected{"a", "b", "c"};
    BOOST_TEST(f.topics() == expected, boost::test_tools::per_element());
    BOOST_TEST(f.matches("a"));
    BOOST_TEST(f.matches("b"));
    BOOST_TEST(f.matches("c"));
}

BOOST_AUTO_TEST_CASE(a_pool_gives_streams_on_the_same_topics_one_list)
{
    topic_filter_pool pool;
    auto const a = pool.intern(topic_filter(std::vector<std::string>{"news", "stats"}));
    auto const b = pool.intern(topic_filter(std::vector<std::string>{"stats", "news", "news"}));
    auto const c = pool.intern(topic_filter(std::vector<std::string>{"news"}));
    BOOST_TEST(&a.topics() == &b.topics()); // the same list, not an equal copy
    BOOST_TEST(&a.topics() != &c.topics());
    BOOST_TEST(b.matches("news"));
    BOOST_TEST(b.matches("stats"));
    BOOST_TEST(!c.matches("stats"));
    BOOST_TEST(pool.intern(topic_filter{}).all()); // every topic: nothing to share
    BOOST_TEST(pool.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_pool_forgets_the_lists_of_ended_streams)
{
    topic_filter_pool pool;
    auto const kept = pool.intern(topic_filter(std::vector<std::string>{"kept"}));
    for (int i = 0; i < 1000; ++i) // each ends at once, like a stream that closed
        pool.intern(topic_filter(std::vector<std::string>{"t" + std::to_string(i)}));
    BOOST_TEST(pool.size() < 200u); // pruned as it grew, not 1 001
    auto const again = pool.intern(topic_filter(std::vector<std::string>{"kept"}));
    BOOST_TEST(&again.topics() == &kept.topics());
}

BOOST_AUTO_TEST_SUITE_END()
