// backplane/redis_tailer: what the tailer does with the entries it reads (feed_entries), under
// the hub's lock, without Redis: ids in stream order, a first read that starts the ring where
// the stream is, and a new epoch or a gap that is never passed on silently.
#include "ssehub/backplane/redis_tailer.hpp"
#include "ssehub/hub/event_ring.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using ssehub::event_ring;
using ssehub::frame_ptr;
using ssehub::stream_entry;
using ssehub::tail_step;
using ssehub::topic_filter;

namespace {

std::vector<stream_entry> entries(std::uint64_t first, std::size_t n, std::optional<std::uint64_t> epoch = {})
{
    std::vector<stream_entry> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(stream_entry{first + i, "t", "message", "d" + std::to_string(first + i), i == 0 ? epoch : std::nullopt});
    return out;
}

void feed(event_ring& ring, std::vector<stream_entry> const& es, tail_step& step)
{
    std::vector<frame_ptr> frames;
    for (auto const& e : es)
        frames.push_back(ssehub::make_frame(e));
    ssehub::feed_entries(ring, es, frames, step);
}

} // namespace

BOOST_AUTO_TEST_SUITE(redis_tailer_test)

BOOST_AUTO_TEST_CASE(the_first_read_starts_the_ring_at_the_streams_id_without_a_loss)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(1'700'000'000'000'000, 3, 1), step);
    BOOST_TEST(ring.first_id() == 1'700'000'000'000'000u);
    BOOST_TEST(ring.next_id() == 1'700'000'000'000'003u);
    BOOST_TEST(step.last == 1'700'000'000'000'002u);
    BOOST_TEST(step.epochs == 0u); // the epoch it started in, not a change
    BOOST_TEST(step.floor == 1'700'000'000'000'000u);
    // A reader that was live before (cursor 1) lost nothing: there was nothing before.
    BOOST_TEST(!ring.evictions().lost_any(topic_filter{}, 1));
}

BOOST_AUTO_TEST_CASE(consecutive_reads_append_in_stream_order)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(500, 2, 1), step);
    feed(ring, entries(502, 3), step);
    BOOST_TEST(ring.first_id() == 500u);
    BOOST_TEST(ring.next_id() == 505u);
    BOOST_TEST(ring.at(503)->bytes.find("data: d503") != std::string::npos);
    BOOST_TEST(step.gaps == 0u);
    BOOST_TEST(step.epochs == 0u);
}

BOOST_AUTO_TEST_CASE(a_new_epoch_restarts_the_ring_and_cuts_every_reader_below_it)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(500, 5, 1), step);
    feed(ring, entries(9000, 2, 2), step); // FLUSHALL, then a publish: epoch 2, higher ids
    BOOST_TEST(step.epochs == 1u);
    BOOST_TEST(step.floor == 9000u);
    BOOST_TEST(ring.first_id() == 9000u);
    BOOST_TEST(ring.next_id() == 9002u);
    // Every reader below the new epoch counts as having lost events, whatever its topics.
    BOOST_TEST(ring.evictions().lost_any(topic_filter{std::vector<std::string>{"other"}}, 505));
}

BOOST_AUTO_TEST_CASE(a_new_epoch_that_continues_the_ids_still_counts_as_one)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(500, 2, 1), step);
    feed(ring, entries(502, 1, 2), step); // contiguous ids, but Redis says it lost data
    BOOST_TEST(step.epochs == 1u);
    BOOST_TEST(step.floor == 502u);
    BOOST_TEST(ring.first_id() == 502u);
}

BOOST_AUTO_TEST_CASE(a_gap_without_an_epoch_is_a_loss_too)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(500, 2, 1), step);
    feed(ring, entries(510, 2), step);
    BOOST_TEST(step.gaps == 1u);
    BOOST_TEST(step.floor == 510u);
    BOOST_TEST(ring.first_id() == 510u);
    BOOST_TEST(ring.evictions().lost_any(topic_filter{}, 502));
}

BOOST_AUTO_TEST_CASE(entries_below_what_was_fed_are_skipped)
{
    event_ring ring(100, 1 << 20, 1);
    tail_step step;
    feed(ring, entries(500, 3, 1), step);
    feed(ring, entries(501, 4), step); // 501, 502 again, then 503, 504
    BOOST_TEST(ring.next_id() == 505u);
    BOOST_TEST(ring.first_id() == 500u);
    BOOST_TEST(step.gaps == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
