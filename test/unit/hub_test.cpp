// hub/hub: the ring fed through hub::feed (by the memory log), Last-Event-ID replay and
// history-lost resets, pulls.
#include "ssehub/hub/hub.hpp"
#include "ssehub/hub/memory_event_log.hpp"
#include "support/event_parser.hpp"
#include "support/hub_fixtures.hpp"
#include "support/id_range.hpp"
#include "support/publish.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

using ssehub::event_draft;
using ssehub::frame_ptr;
using ssehub::hub;
using ssehub::hub_options;
using ssehub::topic_filter;

using ssehub::test::publish;

namespace {

using ssehub::test::draft;

hub_options options(std::size_t ring_events = 100, std::uint64_t first_id = 1)
{
    return ssehub::test::ring_options(ring_events, first_id);
}

topic_filter topics(std::vector<std::string> names)
{
    return topic_filter(std::move(names));
}

std::vector<std::uint64_t> ids_of(std::vector<frame_ptr> const& frames)
{
    std::vector<std::uint64_t> out;
    for (auto const& f : frames)
        out.push_back(f->id);
    return out;
}

// The single event a frame's bytes carry, read as a browser would.
ssehub::test::parsed_event parse_frame(frame_ptr const& f)
{
    std::vector<ssehub::test::parsed_event> events;
    ssehub::test::event_parser p([&](ssehub::test::parsed_event const& e) { events.push_back(e); });
    p.feed(f->bytes);
    BOOST_REQUIRE_EQUAL(events.size(), 1u);
    return events.front();
}

// Publishes `count` events on topics "a" and "b" alternately (odd ids on "a" when first_id is 1).
void publish_alternating(ssehub::event_log& log, int count)
{
    for (int i = 0; i < count; ++i)
        publish(log, draft(i % 2 == 0 ? "a" : "b", "payload " + std::to_string(i)));
}

// An id in the data JSON: we accept a decimal string or a number, and compare the value.
std::uint64_t json_id(boost::json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    BOOST_REQUIRE_MESSAGE(v != nullptr, "missing " << key);
    if (v->is_string())
        return std::stoull(std::string(v->as_string()));
    return v->to_number<std::uint64_t>();
}

void check_reset(ssehub::subscription_start const& s, std::uint64_t earliest, std::uint64_t latest)
{
    BOOST_TEST(s.reset);
    BOOST_REQUIRE_EQUAL(s.replay.size(), 1u);
    auto const& f = s.replay.front();
    BOOST_TEST(f->id == latest);
    auto const ev = parse_frame(f);
    BOOST_TEST(ev.type == ssehub::history_lost_event);
    BOOST_TEST(ev.type == "ssehub.history-lost");
    BOOST_TEST(ev.last_event_id == std::to_string(latest)); // the client resumes from here next time
    auto const data = boost::json::parse(ev.data);
    BOOST_REQUIRE(data.is_object());
    BOOST_TEST(json_id(data.as_object(), "earliestId") == earliest);
    BOOST_TEST(json_id(data.as_object(), "latestId") == latest);
}

} // namespace

using ssehub::test::id_range;

BOOST_AUTO_TEST_SUITE(hub_test)

BOOST_AUTO_TEST_CASE(published_frames_carry_id_event_topic_and_data)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    std::vector<event_draft> const batch{draft("news", "line 1\nline 2", "update"), draft("stats", "{\"n\":1}")};
    publish(log, batch);
    std::vector<frame_ptr> frames;
    h.pull(1, frames);
    BOOST_REQUIRE_EQUAL(frames.size(), 2u);
    BOOST_TEST(frames[0]->topic == "news");
    BOOST_TEST(frames[1]->topic == "stats");
    auto const first = parse_frame(frames[0]);
    BOOST_TEST(first.last_event_id == "1");
    BOOST_TEST(first.type == "update");
    BOOST_TEST(first.data == "line 1\nline 2");
    auto const second = parse_frame(frames[1]);
    BOOST_TEST(second.last_event_id == "2");
    BOOST_TEST(second.type == "message");
    BOOST_TEST(second.data == "{\"n\":1}");
}

BOOST_AUTO_TEST_CASE(subscribe_without_last_event_id_gets_no_replay)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 3);
    auto const s = h.subscribe(std::nullopt, topic_filter{});
    BOOST_TEST(s.replay.empty());
    BOOST_TEST(!s.reset);
    BOOST_TEST(s.live_from == 4u);
    BOOST_TEST(h.counters().replays.load() == 0u);
    BOOST_TEST(h.counters().resets.load() == 0u);
}

BOOST_AUTO_TEST_CASE(subscribe_before_any_publish_starts_live_at_first_id)
{
    hub h(options(100, 50));
    ssehub::memory_event_log log(h);
    auto const s = h.subscribe(std::nullopt, topic_filter{});
    BOOST_TEST(s.replay.empty());
    BOOST_TEST(s.live_from == 50u);
}

BOOST_AUTO_TEST_CASE(an_id_inside_the_ring_replays_the_missed_frames_of_the_topics)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 9); // ids 1..9; odd ids on "a", even ids on "b"
    auto const only_a = h.subscribe("2", topics({"a"}));
    BOOST_TEST(!only_a.reset);
    BOOST_TEST(ids_of(only_a.replay) == (std::vector<std::uint64_t>{3, 5, 7, 9}), boost::test_tools::per_element());
    for (auto const& f : only_a.replay)
        BOOST_TEST(f->topic == "a");
    BOOST_TEST(only_a.live_from == 10u);

    auto const only_b = h.subscribe("5", topics({"b"}));
    BOOST_TEST(ids_of(only_b.replay) == (std::vector<std::uint64_t>{6, 8}), boost::test_tools::per_element());

    auto const all = h.subscribe("6", topic_filter{});
    BOOST_TEST(ids_of(all.replay) == id_range(7, 10), boost::test_tools::per_element());

    auto const both = h.subscribe("6", topics({"b", "a"}));
    BOOST_TEST(ids_of(both.replay) == id_range(7, 10), boost::test_tools::per_element());

    auto const other = h.subscribe("1", topics({"c"}));
    BOOST_TEST(!other.reset);
    BOOST_TEST(other.replay.empty());
    BOOST_TEST(other.live_from == 10u);
}

BOOST_AUTO_TEST_CASE(replayed_frames_read_back_as_the_published_events)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 6);
    auto const s = h.subscribe("3", topic_filter{});
    BOOST_REQUIRE_EQUAL(s.replay.size(), 3u);
    for (std::size_t i = 0; i < s.replay.size(); ++i) {
        auto const ev = parse_frame(s.replay[i]);
        BOOST_TEST(ev.last_event_id == std::to_string(4 + i));
        BOOST_TEST(ev.data == "payload " + std::to_string(3 + i));
    }
}

BOOST_AUTO_TEST_CASE(the_last_published_id_gets_an_empty_replay)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 5);
    auto const s = h.subscribe("5", topic_filter{});
    BOOST_TEST(!s.reset);
    BOOST_TEST(s.replay.empty());
    BOOST_TEST(s.live_from == 6u);
}

BOOST_AUTO_TEST_CASE(the_id_just_before_the_ring_replays_the_whole_ring)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    publish_alternating(log, 6); // the ring holds 4, 5, 6
    auto const s = h.subscribe("3", topic_filter{});
    BOOST_TEST(!s.reset);
    BOOST_TEST(ids_of(s.replay) == id_range(4, 7), boost::test_tools::per_element());
    BOOST_TEST(s.live_from == 7u);
}

BOOST_AUTO_TEST_CASE(an_id_older_than_the_ring_is_a_reset)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    publish_alternating(log, 6);
    for (std::string_view id : {"2", "1", "0"}) {
        BOOST_TEST_CONTEXT("Last-Event-ID " << id)
        {
            auto const s = h.subscribe(id, topic_filter{});
            check_reset(s, 4, 6);
            BOOST_TEST(s.live_from == 7u);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_id_from_the_future_is_a_reset)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 6);
    for (std::string_view id : {"7", "8", "1000", "18446744073709551615"}) {
        BOOST_TEST_CONTEXT("Last-Event-ID " << id)
        {
            auto const s = h.subscribe(id, topics({"a"}));
            check_reset(s, 1, 6);
            BOOST_TEST(s.live_from == 7u);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_non_numeric_id_is_a_reset)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 4);
    for (std::string_view id : {"", "abc", "-1", "3 ", " 3", "3.0", "18446744073709551616"}) {
        BOOST_TEST_CONTEXT("Last-Event-ID [" << id << "]")
        {
            check_reset(h.subscribe(id, topic_filter{}), 1, 4);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_id_before_first_id_minus_one_is_a_reset)
{
    hub h(options(100, 100));
    ssehub::memory_event_log log(h);
    auto const empty = h.subscribe("99", topic_filter{});
    BOOST_TEST(!empty.reset);
    BOOST_TEST(empty.replay.empty());
    BOOST_TEST(empty.live_from == 100u);

    for (int i = 0; i < 3; ++i)
        publish(log, draft("a", "x")); // 100, 101, 102; nothing dropped
    auto const whole = h.subscribe("99", topic_filter{});
    BOOST_TEST(!whole.reset);
    BOOST_TEST(ids_of(whole.replay) == id_range(100, 103), boost::test_tools::per_element());

    for (std::string_view id : {"98", "5", "0"}) {
        BOOST_TEST_CONTEXT("Last-Event-ID " << id)
        {
            check_reset(h.subscribe(id, topic_filter{}), 100, 102); // an id from another run
        }
    }
}

BOOST_AUTO_TEST_CASE(the_reset_frame_is_not_filtered_by_topic)
{
    hub h(options(2));
    ssehub::memory_event_log log(h);
    publish_alternating(log, 5);
    auto const s = h.subscribe("1", topics({"nothing-published-here"}));
    check_reset(s, 4, 5);
}

BOOST_AUTO_TEST_CASE(counters_follow_publishes_replays_and_resets)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    auto const& c = h.counters();
    BOOST_TEST(c.events_published.load() == 0u);
    publish(log, draft("a", "1"));
    std::vector<event_draft> const batch{draft("a", "2"), draft("b", "3"), draft("a", "4")};
    publish(log, batch);
    BOOST_TEST(c.events_published.load() == 4u); // ring holds 2, 3, 4

    h.subscribe(std::nullopt, topic_filter{});
    BOOST_TEST(c.replays.load() == 0u);
    BOOST_TEST(c.resets.load() == 0u);

    h.subscribe("2", topic_filter{}); // replays 3, 4
    BOOST_TEST(c.replays.load() == 1u);
    BOOST_TEST(c.replayed_frames.load() == 2u);

    h.subscribe("1", topics({"a"})); // replays 2, 4
    BOOST_TEST(c.replays.load() == 2u);
    BOOST_TEST(c.replayed_frames.load() == 4u);

    h.subscribe("4", topic_filter{}); // nothing missed: not a replay
    BOOST_TEST(c.replays.load() == 2u);
    BOOST_TEST(c.replayed_frames.load() == 4u);

    h.subscribe("0", topic_filter{});
    h.subscribe("nope", topic_filter{});
    BOOST_TEST(c.resets.load() == 2u);
    BOOST_TEST(c.replays.load() == 2u);
    BOOST_TEST(c.replayed_frames.load() == 4u);
}

BOOST_AUTO_TEST_CASE(frames_are_shared_not_copied_per_subscriber)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 4);
    auto const s1 = h.subscribe("1", topic_filter{});
    auto const s2 = h.subscribe("1", topic_filter{});
    auto const s3 = h.subscribe("2", topics({"a"}));
    std::vector<frame_ptr> pulled;
    h.pull(1, pulled);
    BOOST_REQUIRE_EQUAL(s1.replay.size(), 3u);
    BOOST_REQUIRE_EQUAL(s2.replay.size(), 3u);
    BOOST_REQUIRE_EQUAL(pulled.size(), 4u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(s1.replay[i].get() == s2.replay[i].get());
        BOOST_TEST(s1.replay[i].get() == pulled[i + 1].get());
    }
    BOOST_REQUIRE_EQUAL(s3.replay.size(), 1u); // id 3 on "a"
    BOOST_TEST(s3.replay[0].get() == pulled[2].get());
}

BOOST_AUTO_TEST_CASE(pull_appends_from_an_id_and_reports_where_it_started)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    publish_alternating(log, 5); // the ring holds 3, 4, 5

    std::vector<frame_ptr> out;
    BOOST_TEST(h.pull(4, out) == 4u);
    BOOST_TEST(ids_of(out) == id_range(4, 6), boost::test_tools::per_element());

    out.clear();
    BOOST_TEST(h.pull(1, out) == 3u); // 1 and 2 were dropped: the first id appended is 3
    BOOST_TEST(ids_of(out) == id_range(3, 6), boost::test_tools::per_element());

    out.clear();
    BOOST_TEST(h.pull(6, out) == 6u); // nothing new: next_id
    BOOST_TEST(out.empty());

    std::vector<frame_ptr> kept;
    h.pull(5, kept);
    h.pull(5, kept); // appends, never clears
    BOOST_TEST(ids_of(kept) == (std::vector<std::uint64_t>{5, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pull_beyond_the_newest_returns_next_id)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    publish_alternating(log, 2);
    std::vector<frame_ptr> out;
    BOOST_TEST(h.pull(100, out) == 3u);
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(every_waker_runs_once_per_publish_after_the_frames_are_in)
{
    hub h(options());
    ssehub::memory_event_log log(h);
    int wakes_a = 0;
    int wakes_b = 0;
    std::vector<std::uint64_t> next_seen;
    h.add_waker([&] {
        ++wakes_a;
        next_seen.push_back(h.next_id()); // also proves the lock is not held here
    });
    h.add_waker([&] { ++wakes_b; });
    publish(log, draft("a", "1"));
    std::vector<event_draft> const batch{draft("a", "2"), draft("a", "3")};
    publish(log, batch);
    BOOST_TEST(wakes_a == 2);
    BOOST_TEST(wakes_b == 2);
    BOOST_TEST(next_seen == (std::vector<std::uint64_t>{2, 4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_pull_after_a_drop_reports_the_topics_of_the_dropped_frames)
{
    hub h(options(4));
    ssehub::memory_event_log log(h);
    for (auto const* topic : {"big", "big", "other", "big", "big", "big"})
        publish(log, draft(topic, "x")); // the ring holds 3..6
    std::vector<frame_ptr> out;
    ssehub::eviction_record lost;
    BOOST_TEST(h.pull(1, out, &lost) == 3u);
    BOOST_TEST(lost.lost_any(topics({"big"}), 1));
    BOOST_TEST(!lost.lost_any(topics({"other"}), 1)); // id 3 is still in the ring
    BOOST_TEST(lost.lost_any(topic_filter{}, 1));

    // A reader at 2 lost only id 2 (big); one at 3 lost nothing.
    publish(log, draft("big", "7")); // drops id 3 (other)
    out.clear();
    ssehub::eviction_record lost_at_3;
    BOOST_TEST(h.pull(3, out, &lost_at_3) == 4u);
    BOOST_TEST(lost_at_3.lost_any(topics({"other"}), 3));
    BOOST_TEST(!lost_at_3.lost_any(topics({"big"}), 3));
}

// An external log's ring: frames fed the way the Redis tailer feeds them (ids from the stream).
void feed_stream(hub& h, std::uint64_t first, std::size_t n, std::string const& topic = "t")
{
    h.feed([&](ssehub::event_ring& ring) {
        if (ring.next_id() != first)
            ring.restart_at(first, false);
        for (std::size_t i = 0; i < n; ++i)
            ring.push(std::make_shared<ssehub::frame const>(ssehub::frame{first + i, topic, "id: " + std::to_string(first + i) + "\n\n"}));
        return 0;
    });
}

using step = ssehub::subscription_start::step;

BOOST_AUTO_TEST_CASE(with_an_external_log_no_stream_starts_before_the_ring_is_warmed)
{
    hub h(options(10));
    h.set_log_position(ssehub::log_position{});
    BOOST_TEST((h.subscribe(std::nullopt, topic_filter{}).next == step::not_ready));
    feed_stream(h, 5000, 3);
    h.set_log_position(ssehub::log_position{true, 0, 5002});
    auto const s = h.subscribe(std::nullopt, topic_filter{});
    BOOST_TEST((s.next == step::start));
    BOOST_TEST(s.live_from == 5003u); // live: the warmed frames are history, not news
    BOOST_TEST(s.replay.empty());
}

BOOST_AUTO_TEST_CASE(an_id_older_than_the_ring_is_read_from_the_log_up_to_where_the_ring_starts)
{
    hub h(options(10));
    feed_stream(h, 5000, 20); // the ring keeps 5010..5019
    h.set_log_position(ssehub::log_position{true, 4000, 5019});
    auto const s = h.subscribe(std::string_view("5003"), topic_filter{});
    BOOST_TEST((s.next == step::read_log));
    BOOST_TEST(s.requested == 5003u);
    BOOST_TEST(s.history_to == 5010u);
}

BOOST_AUTO_TEST_CASE(history_from_the_log_meets_the_ring_with_no_gap_and_no_duplicate)
{
    hub h(options(12));
    feed_stream(h, 4998, 22); // the ring keeps 5008..5019
    h.set_log_position(ssehub::log_position{true, 4000, 5019});
    std::vector<frame_ptr> history;
    for (std::uint64_t id = 5004; id < 5010; ++id)
        history.push_back(std::make_shared<ssehub::frame const>(ssehub::frame{id, "t", "x"}));
    feed_stream(h, 5020, 2); // published while the log was read: the ring keeps 5010..5021
    auto const s = h.subscribe_after_history(5003, 5010, history, topic_filter{});
    BOOST_TEST(!s.reset);
    BOOST_REQUIRE(s.replay.size() == 18u); // 5004..5021
    for (std::size_t i = 0; i < s.replay.size(); ++i)
        BOOST_TEST(s.replay[i]->id == 5004 + i);
    BOOST_TEST(s.live_from == 5022u);
}

BOOST_AUTO_TEST_CASE(history_whose_seam_the_ring_dropped_meanwhile_is_a_reset)
{
    hub h(options(10));
    feed_stream(h, 5000, 20);
    h.set_log_position(ssehub::log_position{true, 4000, 5019});
    feed_stream(h, 5020, 5); // the ring now starts at 5015: 5010..5014 would be missing
    auto const s = h.subscribe_after_history(5003, 5010, {}, topic_filter{});
    BOOST_TEST(s.reset);
    BOOST_REQUIRE(s.replay.size() == 1u);
    BOOST_TEST(s.replay[0]->bytes.find("ssehub.history-lost") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_id_the_log_has_and_the_ring_not_yet_goes_live_from_the_next_one)
{
    hub h(options(10));
    feed_stream(h, 5000, 5);
    h.set_log_position(ssehub::log_position{true, 4000, 5010}); // read elsewhere up to 5010
    auto const s = h.subscribe(std::string_view("5008"), topic_filter{});
    BOOST_TEST((s.next == step::start));
    BOOST_TEST(!s.reset);
    BOOST_TEST(s.replay.empty());
    BOOST_TEST(s.live_from == 5009u); // not a reset: the tailer brings 5009 soon
}

BOOST_AUTO_TEST_CASE(an_id_beyond_the_logs_top_is_checked_once_then_lost)
{
    hub h(options(10));
    feed_stream(h, 5000, 5);
    h.set_log_position(ssehub::log_position{true, 4000, 5004});
    BOOST_TEST((h.subscribe(std::string_view("9999"), topic_filter{}).next == step::check_top));
    h.note_log_top(5006);
    auto const s = h.subscribe(std::string_view("9999"), topic_filter{}, true);
    BOOST_TEST(s.reset); // the log's top as just read is below it: unknown, never a hang
    auto const w = h.subscribe(std::string_view("5006"), topic_filter{}, true);
    BOOST_TEST(!w.reset);
    BOOST_TEST(w.live_from == 5007u);
}

BOOST_AUTO_TEST_CASE(a_restart_of_the_ring_counts_the_frames_fed_not_the_ids_skipped)
{
    // Was a bug: events_published grew by the jump to the stream's first id (about 1.7e15).
    hub h(options(10));
    feed_stream(h, 1'700'000'000'000'000, 3);
    BOOST_TEST(h.counters().events_published.load() == 3u);
}

BOOST_AUTO_TEST_CASE(without_an_external_log_an_id_outside_the_ring_is_a_reset_as_before)
{
    hub h(options(10));
    ssehub::memory_event_log log(h);
    for (int i = 0; i < 20; ++i)
        publish(log, draft("t", "x"));
    BOOST_TEST(h.subscribe(std::string_view("2"), topic_filter{}).reset);
    BOOST_TEST(h.subscribe(std::string_view("500"), topic_filter{}).reset);
}

BOOST_AUTO_TEST_SUITE_END()
