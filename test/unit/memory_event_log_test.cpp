// hub/memory_event_log: the in-memory event log numbers events in the ring under the hub's
// mutex, refuses what the ring cannot hold (or everything once closed) before it takes an id,
// and completes every append exactly once, before append() returns.
#include "ssehub/hub/memory_event_log.hpp"
#include "support/hub_fixtures.hpp"
#include "support/id_range.hpp"
#include "support/publish.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using ssehub::event_draft;
using ssehub::frame_ptr;
using ssehub::hub;
using ssehub::hub_options;
using ssehub::publish_refusal;
using ssehub::publish_result;

namespace {

using ssehub::test::draft;

hub_options options(std::size_t ring_events = 100, std::uint64_t first_id = 1)
{
    return ssehub::test::ring_options(ring_events, first_id);
}

std::vector<std::uint64_t> ids_of(std::vector<frame_ptr> const& frames)
{
    std::vector<std::uint64_t> out;
    for (auto const& f : frames)
        out.push_back(f->id);
    return out;
}

std::vector<std::uint64_t> published_ids(publish_result const& r)
{
    if (auto const* refused = std::get_if<publish_refusal>(&r))
        BOOST_FAIL("refused: " + refused->message);
    return std::get<std::vector<std::uint64_t>>(r);
}

std::vector<event_draft> batch_of(std::size_t n, std::string const& topic, std::size_t payload_bytes = 1)
{
    return std::vector<event_draft>(n, draft(topic, std::string(payload_bytes, 'x')));
}

// Appends and records how often, and whether before append() returned, the completion ran.
struct recorded_append {
    int calls = 0;
    bool before_return = false;
    std::optional<publish_result> result;
};

recorded_append append_recorded(ssehub::event_log& log, std::vector<event_draft> drafts)
{
    recorded_append rec;
    bool returned = false;
    log.append(std::move(drafts), ssehub::on_appended([&](publish_result r) {
        ++rec.calls;
        rec.before_return = !returned;
        rec.result = std::move(r);
    }));
    returned = true;
    return rec;
}

} // namespace

using ssehub::test::id_range;
using ssehub::test::publish;

BOOST_AUTO_TEST_SUITE(memory_event_log_test)

BOOST_AUTO_TEST_CASE(publish_returns_consecutive_ids_from_first_id)
{
    hub h(options(100, 1000));
    ssehub::memory_event_log log(h);
    BOOST_TEST(h.first_id() == 1000u);
    BOOST_TEST(h.next_id() == 1000u);
    BOOST_TEST(publish(log, draft("a", "x")) == 1000u);
    std::vector<event_draft> const batch{draft("a", "1"), draft("b", "2"), draft("a", "3")};
    BOOST_TEST(published_ids(publish(log, batch)) == id_range(1001, 1004), boost::test_tools::per_element());
    BOOST_TEST(publish(log, draft("a", "y")) == 1004u);
    BOOST_TEST(h.next_id() == 1005u);
}

BOOST_AUTO_TEST_CASE(after_close_publishing_every_publish_is_refused_and_the_ring_keeps_what_came_before)
{
    hub h(options(100, 1));
    ssehub::memory_event_log log(h);
    std::vector<event_draft> const batch{draft("a", "1"), draft("b", "2")};
    BOOST_TEST(published_ids(publish(log, batch)) == id_range(1, 3), boost::test_tools::per_element());
    log.close();
    auto const refused = publish(log, batch);
    BOOST_REQUIRE(std::holds_alternative<ssehub::publish_refusal>(refused));
    BOOST_TEST((std::get<ssehub::publish_refusal>(refused).why == ssehub::publish_refusal::cause::closed));
    BOOST_TEST(publish(log, draft("a", "x")) == 0u); // never a real id
    BOOST_TEST(h.next_id() == 3u);
    // What was acknowledged before the close is still there for the shards' last pull.
    std::vector<frame_ptr> pulled;
    BOOST_TEST(h.pull(1, pulled) == 1u);
    BOOST_TEST(pulled.size() == 2u);
}

BOOST_AUTO_TEST_CASE(default_options_start_at_id_1)
{
    hub h(hub_options{});
    ssehub::memory_event_log log(h);
    BOOST_TEST(publish(log, draft("a", "x")) == 1u);
    BOOST_TEST(publish(log, draft("a", "x")) == 2u);
}

BOOST_AUTO_TEST_CASE(concurrent_publishers_get_consecutive_ids_in_ring_order)
{
    constexpr int threads = 4;
    constexpr int per_thread = 2000;
    hub h(options(threads * per_thread));
    ssehub::memory_event_log log(h);
    std::atomic<int> wakes{0};
    h.add_waker([&] { wakes.fetch_add(1, std::memory_order_relaxed); });

    std::vector<std::vector<std::uint64_t>> ids(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i)
                ids[t].push_back(publish(log, draft("t" + std::to_string(t), std::to_string(t) + ":" + std::to_string(i))));
        });
    }
    for (auto& th : pool)
        th.join();

    BOOST_TEST(wakes.load() == threads * per_thread);
    BOOST_TEST(h.counters().events_published.load() == std::uint64_t{threads * per_thread});
    BOOST_TEST(h.next_id() == std::uint64_t{threads * per_thread + 1});

    // Every id handed out exactly once, and each thread saw its own ids rise.
    std::vector<std::uint64_t> all;
    for (auto const& v : ids) {
        BOOST_TEST(std::is_sorted(v.begin(), v.end()));
        BOOST_TEST((std::adjacent_find(v.begin(), v.end()) == v.end()));
        all.insert(all.end(), v.begin(), v.end());
    }
    std::sort(all.begin(), all.end());
    BOOST_TEST((all == id_range(1, threads * per_thread + 1)));

    // The ring is in id order, each frame's wire id matches, and each id holds what was published with it.
    std::vector<frame_ptr> frames;
    BOOST_TEST(h.pull(1, frames) == 1u);
    BOOST_REQUIRE_EQUAL(frames.size(), std::size_t{threads * per_thread});
    bool ordered = true;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        ordered = ordered && frames[i]->id == i + 1 && frames[i]->bytes.starts_with("id: " + std::to_string(i + 1) + "\n");
    }
    BOOST_TEST(ordered);
    bool matches = true;
    for (int t = 0; t < threads; ++t)
        for (int i = 0; i < per_thread; ++i) {
            auto const& f = frames[ids[t][i] - 1];
            matches = matches && f->topic == "t" + std::to_string(t)
                && f->bytes.find("data: " + std::to_string(t) + ":" + std::to_string(i) + "\n") != std::string::npos;
        }
    BOOST_TEST(matches);
}

// Was a bug: a batch larger than the ring was accepted (202) and then dropped its own first
// events before any io thread could take them, cutting every subscriber.

BOOST_AUTO_TEST_CASE(a_batch_over_ring_events_is_refused_and_publishes_nothing)
{
    hub h(options(10));
    ssehub::memory_event_log log(h);
    int wakes = 0;
    h.add_waker([&] { ++wakes; });
    auto const r = publish(log, batch_of(11, "big"));
    auto const* refused = std::get_if<ssehub::publish_refusal>(&r);
    BOOST_REQUIRE(refused != nullptr);
    BOOST_TEST(refused->message.find("ring_events (10)") != std::string::npos, refused->message);
    BOOST_TEST(h.next_id() == 1u);
    BOOST_TEST(wakes == 0);
    BOOST_TEST(h.counters().events_published.load() == 0u);
    BOOST_TEST(published_ids(publish(log, batch_of(10, "big"))) == id_range(1, 11), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_batch_whose_frames_exceed_ring_bytes_is_refused_and_consumes_no_id)
{
    hub_options o = options(100);
    o.ring_bytes = 100;
    hub h(o);
    ssehub::memory_event_log log(h);
    // "id: 1\n" (6) + "data: " (6) + 10 x + "\n\n" (2) = 24 bytes a frame: 4 fit, 5 do not.
    BOOST_TEST(published_ids(publish(log, batch_of(4, "t", 10))) == id_range(1, 5), boost::test_tools::per_element());
    auto const r = publish(log, batch_of(5, "t", 10));
    auto const* refused = std::get_if<ssehub::publish_refusal>(&r);
    BOOST_REQUIRE(refused != nullptr);
    BOOST_TEST(refused->message.find("ring_bytes (100)") != std::string::npos, refused->message);
    BOOST_TEST(h.next_id() == 5u);
    std::vector<frame_ptr> out;
    BOOST_TEST(h.pull(1, out) == 1u); // the accepted batch is all still there
    BOOST_TEST(ids_of(out) == id_range(1, 5), boost::test_tools::per_element());
    BOOST_TEST(publish(log, draft("t", std::string(200, 'x'))) == 0u); // one event alone over the ring
    BOOST_TEST(h.next_id() == 5u);
}

BOOST_AUTO_TEST_CASE(the_byte_limit_counts_each_id_line_across_a_power_of_ten)
{
    // Ids 8, 9, 10, 11: "id: 8\n" is 6 bytes, "id: 10\n" 7; each body is 18: 98 bytes in all.
    for (std::size_t limit : {97u, 98u}) {
        hub_options o = options(100, 8);
        o.ring_bytes = limit;
        hub h(o);
        ssehub::memory_event_log log(h);
        auto const r = publish(log, batch_of(4, "t", 10));
        BOOST_TEST(std::holds_alternative<ssehub::publish_refusal>(r) == (limit == 97u), "ring_bytes " << limit);
    }
}

BOOST_AUTO_TEST_CASE(every_append_completes_once_before_append_returns_accepted_or_refused)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    auto const accepted = append_recorded(log, batch_of(2, "t"));
    BOOST_TEST(accepted.calls == 1);
    BOOST_TEST(accepted.before_return);
    BOOST_TEST(published_ids(*accepted.result) == id_range(1, 3), boost::test_tools::per_element());

    auto const too_large = append_recorded(log, batch_of(4, "t"));
    BOOST_TEST(too_large.calls == 1);
    BOOST_TEST(too_large.before_return);
    BOOST_REQUIRE(std::holds_alternative<publish_refusal>(*too_large.result));
    BOOST_TEST((std::get<publish_refusal>(*too_large.result).why == publish_refusal::cause::too_large));

    log.close();
    auto const closed = append_recorded(log, batch_of(1, "t"));
    BOOST_TEST(closed.calls == 1);
    BOOST_TEST(closed.before_return);
    BOOST_REQUIRE(std::holds_alternative<publish_refusal>(*closed.result));
    BOOST_TEST((std::get<publish_refusal>(*closed.result).why == publish_refusal::cause::closed));
}

BOOST_AUTO_TEST_CASE(a_refused_append_publishes_nothing_and_wakes_no_shard)
{
    hub h(options(3));
    ssehub::memory_event_log log(h);
    int wakes = 0;
    h.add_waker([&] { ++wakes; });
    BOOST_TEST(publish(log, draft("t", "kept")) == 1u);
    BOOST_TEST(wakes == 1);
    BOOST_TEST(std::holds_alternative<publish_refusal>(publish(log, batch_of(4, "t"))));
    log.close(); // closing feeds nothing either
    BOOST_TEST(std::holds_alternative<publish_refusal>(publish(log, batch_of(1, "t"))));
    BOOST_TEST(wakes == 1);
    BOOST_TEST(h.counters().events_published.load() == 1u);
    BOOST_TEST(h.next_id() == 2u);
    std::vector<frame_ptr> out;
    h.pull(1, out);
    BOOST_TEST(ids_of(out) == id_range(1, 2), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
