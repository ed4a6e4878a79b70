// backplane/redis_history: an XRANGE answers a replay only when every id asked for is there,
// contiguous (MAXLEN ~ trims whole nodes; an older epoch may sit just below a newer one).
#include "ssehub/backplane/redis_history.hpp"

#include <boost/test/unit_test.hpp>

using ssehub::history_request;
using ssehub::stream_entry;
using ssehub::topic_filter;

namespace {

std::vector<stream_entry> range(std::uint64_t first, std::uint64_t end)
{
    std::vector<stream_entry> out;
    for (auto id = first; id < end; ++id)
        out.push_back(stream_entry{id, id % 2 ? "odd" : "even", "message", std::to_string(id), std::nullopt});
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_history_test)

BOOST_AUTO_TEST_CASE(a_complete_range_gives_the_frames_of_the_topics_in_order)
{
    auto const r = ssehub::history_of(history_request{10, 16, topic_filter{std::vector<std::string>{"even"}}}, range(10, 16));
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(r.frames.size() == 3u);
    BOOST_TEST(r.frames[0]->id == 10u);
    BOOST_TEST(r.frames[2]->id == 14u);
    BOOST_TEST(r.frames[1]->bytes == "id: 12\ndata: 12\n\n");
}

BOOST_AUTO_TEST_CASE(a_trimmed_start_is_not_a_replay)
{
    auto const r = ssehub::history_of(history_request{10, 16, topic_filter{}}, range(12, 16));
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.frames.empty());
}

BOOST_AUTO_TEST_CASE(an_older_epoch_below_a_newer_one_is_not_contiguous)
{
    // The counter lowered by hand: the old epoch's entries end at 13, the new one starts at 40.
    auto es = range(10, 14);
    auto more = range(40, 42);
    es.insert(es.end(), more.begin(), more.end());
    auto const r = ssehub::history_of(history_request{10, 16, topic_filter{}}, es);
    BOOST_TEST(!r.ok);
}

BOOST_AUTO_TEST_CASE(an_empty_stream_after_flushall_is_not_a_replay)
{
    BOOST_TEST(!ssehub::history_of(history_request{10, 16, topic_filter{}}, {}).ok);
}

BOOST_AUTO_TEST_SUITE_END()
