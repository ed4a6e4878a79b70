// hub/eviction_record: which topics lost which ids, so that only the readers who needed a
// dropped frame are cut.
#include "ssehub/hub/eviction_record.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using ssehub::eviction_record;
using ssehub::topic_filter;

namespace {

topic_filter topics(std::vector<std::string> names)
{
    return topic_filter(std::move(names));
}

} // namespace

BOOST_AUTO_TEST_SUITE(eviction_record_test)

BOOST_AUTO_TEST_CASE(an_empty_record_lost_nothing)
{
    eviction_record r;
    BOOST_TEST(!r.lost_any(topic_filter{}, 0));
    BOOST_TEST(!r.lost_any(topics({"a"}), 0));
}

// Was a bug: one subscriber on "other" was cut with the ones on "big" when only events of
// "big" had been dropped.
BOOST_AUTO_TEST_CASE(a_reader_of_other_topics_lost_nothing)
{
    eviction_record r;
    for (std::uint64_t id = 1; id <= 10; ++id)
        r.record("big", id);
    BOOST_TEST(r.lost_any(topics({"big"}), 1));
    BOOST_TEST(r.lost_any(topics({"other", "big"}), 1));
    BOOST_TEST(!r.lost_any(topics({"other"}), 1));
    BOOST_TEST(r.lost_any(topic_filter{}, 1)); // a reader of every topic needed them all
}

BOOST_AUTO_TEST_CASE(only_drops_at_or_after_the_readers_position_count)
{
    eviction_record r;
    r.record("a", 3);
    r.record("b", 7);
    BOOST_TEST(r.lost_any(topics({"a"}), 3));
    BOOST_TEST(!r.lost_any(topics({"a"}), 4)); // it had taken id 3 already
    BOOST_TEST(r.lost_any(topic_filter{}, 7));
    BOOST_TEST(!r.lost_any(topic_filter{}, 8));
}

BOOST_AUTO_TEST_CASE(id_zero_is_a_drop_like_any_other)
{
    eviction_record r;
    r.record("a", 0);
    BOOST_TEST(r.lost_any(topics({"a"}), 0));
    BOOST_TEST(!r.lost_any(topics({"a"}), 1));
}

BOOST_AUTO_TEST_CASE(since_keeps_what_a_reader_at_that_position_can_need)
{
    eviction_record r;
    r.record("old", 2);
    r.record("new", 9);
    auto const s = r.since(5);
    BOOST_TEST(s.topics() == 1u);
    BOOST_TEST(s.lost_any(topics({"new"}), 5));
    BOOST_TEST(!s.lost_any(topics({"old"}), 5));
    BOOST_TEST(s.lost_any(topic_filter{}, 5));
}

BOOST_AUTO_TEST_CASE(forget_below_drops_topics_every_reader_is_past)
{
    eviction_record r;
    for (std::uint64_t id = 0; id < 100; ++id)
        r.record("t" + std::to_string(id), id);
    r.forget_below(50); // ids 0..49 are below every reader
    BOOST_TEST(r.topics() == 50u);
    BOOST_TEST(r.lost_any(topics({"t50"}), 50));
    BOOST_TEST(!r.lost_any(topics({"t49"}), 50));
}

BOOST_AUTO_TEST_CASE(forget_below_walks_only_a_record_that_has_grown)
{
    eviction_record r;
    for (std::uint64_t id = 0; id < 10; ++id)
        r.record("t" + std::to_string(id), id);
    r.forget_below(100);
    BOOST_TEST(r.topics() == 10u); // small: left for later, answers stay exact meanwhile
    BOOST_TEST(r.lost_any(topics({"t9"}), 9));
}

BOOST_AUTO_TEST_CASE(too_many_topics_fold_into_a_bound_that_never_hides_a_loss)
{
    eviction_record r;
    auto const n = 2 * eviction_record::max_topics + 10;
    for (std::uint64_t id = 0; id < n; ++id)
        r.record("t" + std::to_string(id), id);
    r.forget_below(0); // a reader still at 0: nothing may be forgotten, so it folds
    BOOST_TEST(r.topics() <= eviction_record::max_topics);
    BOOST_TEST(r.lost_any(topics({"t5"}), 0));
    BOOST_TEST(r.lost_any(topics({"never-published"}), n - 1)); // maybe lost: cut rather than hide
    BOOST_TEST(!r.lost_any(topics({"t5"}), n));                 // past the bound: exact again
}

BOOST_AUTO_TEST_SUITE_END()
