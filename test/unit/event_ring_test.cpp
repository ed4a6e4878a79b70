// hub/event_ring: frames with consecutive ids, bounded by count and by bytes.
#include "ssehub/hub/event_ring.hpp"
#include "support/id_range.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using ssehub::event_ring;
using ssehub::frame;
using ssehub::frame_ptr;

namespace {

frame_ptr make_frame(std::uint64_t id, std::size_t bytes = 10)
{
    return std::make_shared<frame const>(frame{id, "t", std::string(bytes, 'x')});
}

std::vector<std::uint64_t> ids_from(event_ring const& ring, std::uint64_t from)
{
    std::vector<std::uint64_t> out;
    ring.for_each_from(from, [&](frame_ptr const& f) { out.push_back(f->id); });
    return out;
}

} // namespace

using ssehub::test::id_range;

BOOST_AUTO_TEST_SUITE(event_ring_test)

BOOST_AUTO_TEST_CASE(a_new_ring_is_empty_at_its_first_id)
{
    event_ring const ring(10, 1000, 5);
    BOOST_TEST(ring.size() == 0u);
    BOOST_TEST(ring.bytes() == 0u);
    BOOST_TEST(ring.first_id() == 5u);
    BOOST_TEST(ring.next_id() == 5u);
    BOOST_TEST(!ring.contains(5));
    BOOST_TEST(!ring.contains(4));
    BOOST_TEST(ids_from(ring, 0).empty());
}

BOOST_AUTO_TEST_CASE(push_appends_frames_with_consecutive_ids)
{
    event_ring ring(10, 1000, 1);
    std::vector<frame_ptr> pushed;
    for (std::uint64_t id = 1; id <= 3; ++id) {
        pushed.push_back(make_frame(id));
        ring.push(pushed.back());
    }
    BOOST_TEST(ring.size() == 3u);
    BOOST_TEST(ring.bytes() == 30u);
    BOOST_TEST(ring.first_id() == 1u);
    BOOST_TEST(ring.next_id() == 4u);
    BOOST_TEST(!ring.contains(0));
    BOOST_TEST(!ring.contains(4));
    for (std::uint64_t id = 1; id <= 3; ++id) {
        BOOST_TEST(ring.contains(id));
        BOOST_TEST(ring.at(id)->id == id);
        BOOST_TEST(ring.at(id).get() == pushed[id - 1].get()); // the same frame, not a copy
    }
}

BOOST_AUTO_TEST_CASE(non_consecutive_ids_are_refused)
{
    event_ring ring(10, 1000, 1);
    BOOST_CHECK_THROW(ring.push(make_frame(2)), std::exception); // skips 1
    BOOST_CHECK_THROW(ring.push(make_frame(0)), std::exception);
    BOOST_TEST(ring.size() == 0u);
    BOOST_TEST(ring.next_id() == 1u);
    ring.push(make_frame(1));
    BOOST_CHECK_THROW(ring.push(make_frame(1)), std::exception); // duplicate
    BOOST_CHECK_THROW(ring.push(make_frame(3)), std::exception); // gap
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.bytes() == 10u);
    BOOST_TEST(ring.next_id() == 2u);
    ring.push(make_frame(2));
    BOOST_TEST(ring.next_id() == 3u);
}

BOOST_AUTO_TEST_CASE(a_ring_may_start_at_any_id)
{
    event_ring ring(4, 1000, 100);
    BOOST_CHECK_THROW(ring.push(make_frame(1)), std::exception);
    ring.push(make_frame(100));
    ring.push(make_frame(101));
    BOOST_TEST(ring.first_id() == 100u);
    BOOST_TEST(ring.next_id() == 102u);
    BOOST_TEST(ring.at(101)->id == 101u);
}

BOOST_AUTO_TEST_CASE(the_event_cap_drops_the_oldest)
{
    event_ring ring(3, 1'000'000, 1);
    for (std::uint64_t id = 1; id <= 10; ++id) {
        ring.push(make_frame(id));
        BOOST_TEST(ring.size() == std::min<std::uint64_t>(id, 3));
        BOOST_TEST(ring.next_id() == id + 1);
        BOOST_TEST(ring.first_id() == (id <= 3 ? 1 : id - 2));
    }
    BOOST_TEST(ring.bytes() == 30u);
    BOOST_TEST(!ring.contains(7));
    for (std::uint64_t id = 8; id <= 10; ++id) {
        BOOST_TEST(ring.contains(id));
        BOOST_TEST(ring.at(id)->id == id);
    }
    BOOST_TEST(ids_from(ring, 1) == id_range(8, 11), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_ring_of_one_keeps_only_the_newest)
{
    event_ring ring(1, 1'000'000, 1);
    for (std::uint64_t id = 1; id <= 5; ++id)
        ring.push(make_frame(id));
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.first_id() == 5u);
    BOOST_TEST(ring.at(5)->id == 5u);
}

BOOST_AUTO_TEST_CASE(the_byte_cap_drops_the_oldest)
{
    event_ring ring(100, 10, 1);
    ring.push(make_frame(1, 4));
    ring.push(make_frame(2, 4));
    BOOST_TEST(ring.size() == 2u);
    BOOST_TEST(ring.bytes() == 8u);
    ring.push(make_frame(3, 4)); // 12 > 10: frame 1 goes
    BOOST_TEST(ring.size() == 2u);
    BOOST_TEST(ring.bytes() == 8u);
    BOOST_TEST(ring.first_id() == 2u);
    BOOST_TEST(!ring.contains(1));
    ring.push(make_frame(4, 9)); // 4 + 4 + 9: frames 2 and 3 go
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.bytes() == 9u);
    BOOST_TEST(ring.first_id() == 4u);
}

BOOST_AUTO_TEST_CASE(bytes_exactly_at_the_cap_are_kept)
{
    event_ring ring(100, 8, 1);
    ring.push(make_frame(1, 4));
    ring.push(make_frame(2, 4));
    BOOST_TEST(ring.size() == 2u);
    BOOST_TEST(ring.bytes() == 8u);
    BOOST_TEST(ring.first_id() == 1u);
}

BOOST_AUTO_TEST_CASE(the_newest_frame_stays_even_when_alone_over_the_cap)
{
    event_ring ring(100, 10, 1);
    ring.push(make_frame(1, 4));
    ring.push(make_frame(2, 50));
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.bytes() == 50u);
    BOOST_TEST(ring.first_id() == 2u);
    BOOST_TEST(ring.contains(2));
    BOOST_TEST(ring.at(2)->bytes.size() == 50u);
    ring.push(make_frame(3, 4)); // the big one is now the oldest and goes
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.bytes() == 4u);
    BOOST_TEST(ring.first_id() == 3u);
}

BOOST_AUTO_TEST_CASE(the_first_frame_alone_over_the_cap_is_kept)
{
    event_ring ring(100, 10, 1);
    ring.push(make_frame(1, 1000));
    BOOST_TEST(ring.size() == 1u);
    BOOST_TEST(ring.contains(1));
}

BOOST_AUTO_TEST_CASE(bytes_stay_the_sum_of_the_frames_held)
{
    event_ring ring(5, 100, 1);
    std::vector<std::size_t> sizes;
    for (std::uint64_t id = 1; id <= 200; ++id) {
        auto const size = (id * 7) % 40 + 1;
        ring.push(make_frame(id, size));
        std::size_t sum = 0;
        for (auto i = ring.first_id(); i < ring.next_id(); ++i)
            sum += ring.at(i)->bytes.size();
        BOOST_TEST(ring.bytes() == sum);
        BOOST_TEST(ring.size() <= 5u);
        BOOST_TEST((ring.bytes() <= 100u || ring.size() == 1u));
        BOOST_TEST(ring.next_id() - ring.first_id() == ring.size());
    }
}

BOOST_AUTO_TEST_CASE(for_each_from_visits_oldest_first_and_clamps_to_first_id)
{
    event_ring ring(4, 1'000'000, 1);
    for (std::uint64_t id = 1; id <= 6; ++id)
        ring.push(make_frame(id)); // holds 3..6
    BOOST_TEST(ids_from(ring, 0) == id_range(3, 7), boost::test_tools::per_element());
    BOOST_TEST(ids_from(ring, 1) == id_range(3, 7), boost::test_tools::per_element());
    BOOST_TEST(ids_from(ring, 3) == id_range(3, 7), boost::test_tools::per_element());
    BOOST_TEST(ids_from(ring, 5) == id_range(5, 7), boost::test_tools::per_element());
    BOOST_TEST(ids_from(ring, 6) == id_range(6, 7), boost::test_tools::per_element());
    BOOST_TEST(ids_from(ring, 7).empty());
    BOOST_TEST(ids_from(ring, 1000).empty());
}

BOOST_AUTO_TEST_CASE(dropped_frames_are_noted_by_topic)
{
    event_ring ring(2, 1 << 20, 1);
    ring.push(std::make_shared<frame const>(frame{1, "big", "x"}));
    ring.push(std::make_shared<frame const>(frame{2, "other", "x"}));
    ring.push(std::make_shared<frame const>(frame{3, "big", "x"})); // drops 1
    BOOST_TEST(ring.evictions().lost_any(ssehub::topic_filter({"big"}), 1));
    BOOST_TEST(!ring.evictions().lost_any(ssehub::topic_filter({"other"}), 1));
    BOOST_TEST(!ring.evictions().lost_any(ssehub::topic_filter{}, 2));
}

BOOST_AUTO_TEST_CASE(restart_at_goes_on_at_a_higher_id_and_notes_what_it_dropped)
{
    ssehub::event_ring ring(10, 1 << 20, 1);
    for (std::uint64_t id = 1; id <= 3; ++id)
        ring.push(std::make_shared<ssehub::frame const>(ssehub::frame{id, "a", "x"}));
    ring.restart_at(100, false);
    BOOST_TEST(ring.size() == 0u);
    BOOST_TEST(ring.bytes() == 0u);
    BOOST_TEST(ring.first_id() == 100u);
    BOOST_TEST(ring.next_id() == 100u);
    BOOST_TEST(ring.evictions().lost_any(ssehub::topic_filter{std::vector<std::string>{"a"}}, 2));
    BOOST_TEST(!ring.evictions().lost_any(ssehub::topic_filter{std::vector<std::string>{"b"}}, 2));
    ring.push(std::make_shared<ssehub::frame const>(ssehub::frame{100, "a", "x"}));
    BOOST_TEST(ring.next_id() == 101u);
    BOOST_CHECK_THROW(ring.restart_at(50, false), std::logic_error);
}

BOOST_AUTO_TEST_CASE(restart_at_with_lose_all_cuts_readers_of_every_topic_below_it)
{
    ssehub::event_ring ring(10, 1 << 20, 1);
    ring.restart_at(100, true);
    BOOST_TEST(ring.evictions().lost_any(ssehub::topic_filter{std::vector<std::string>{"b"}}, 99));
    BOOST_TEST(!ring.evictions().lost_any(ssehub::topic_filter{std::vector<std::string>{"b"}}, 100));
}

BOOST_AUTO_TEST_SUITE_END()
