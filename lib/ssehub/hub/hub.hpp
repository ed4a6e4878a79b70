// The broadcaster: keeps the latest published frames in a ring for replay, and wakes the
// per-thread shards that fan them out to subscribers. The event log (event_log.hpp) numbers
// the events and feeds their frames in (feed()).
#pragma once

#include "ssehub/hub/event_ring.hpp"
#include "ssehub/hub/hub_counters.hpp"
#include "ssehub/hub/publish_throttle.hpp"
#include "ssehub/hub/replay_decision.hpp"
#include "ssehub/hub/topic_filter.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ssehub {

struct hub_options {
    std::size_t ring_events = 10000;
    std::size_t ring_bytes = 64 << 20;
    std::uint64_t first_id = 1;
    std::uint64_t publish_backlog = 0; // see publish_throttle (0: publishers never wait)
};

// How a new subscription starts: what it missed, then the live stream from live_from.
struct subscription_start {
    std::vector<frame_ptr> replay; // missed frames of its topics in id order, or one reset frame
    std::uint64_t live_from = 0;   // id of the first frame the subscriber takes from its shard
    bool reset = false;            // history was lost: replay holds the control event
    // What the subscriber does next: start now (ring, wait, lost: replay and live_from are
    // set), read [requested + 1, history_to) from the event log first (log), ask the log's top
    // (check_top), or come back later (not_ready: an external log not read yet).
    enum class step { start, read_log, check_top, not_ready };
    step next = step::start;
    std::uint64_t requested = 0;   // the parsed Last-Event-ID (read_log, check_top)
    std::uint64_t history_to = 0;  // read_log: the ring held ids from here on
};

// What an external event log tells the hub of the history behind the ring (replay_decision).
struct log_position {
    bool warmed = false;        // the ring has been filled from the log: subscribers may start
    std::uint64_t floor = 0;    // ids below are gone from the log (the epoch's first id)
    std::uint64_t top = 0;      // the log's highest id known
};

// Event name of the control event a subscriber gets when its Last-Event-ID cannot be replayed.
inline constexpr std::string_view history_lost_event = "ssehub.history-lost";

// Thread-safe. feed() and subscribe() may run on any thread; the mutex covers only the ring
// (and what the event log keeps beside it), never a call into a subscriber or a shard (wakers
// run after unlock).
class hub {
public:
    explicit hub(hub_options options);

    // The only way into the ring, for the event log: runs write(ring) under the hub's mutex,
    // where it may push frames with consecutive ids from ring.next_id() on (and nothing else),
    // and returns what write returns. After the unlock, when frames were pushed, they are
    // counted and every shard is woken.
    template <class Write>
    auto feed(Write&& write) -> std::invoke_result_t<Write&, event_ring&>;

    // A waker is called after every feed that pushed frames, outside the lock. Add them all
    // before publishing.
    void add_waker(std::function<void()> waker);

    // last_event_id: the raw header or query value, nullopt when the client sent none.
    // top_checked: the log's top was just read (set_log_position): beyond it is lost.
    subscription_start subscribe(std::optional<std::string_view> last_event_id, topic_filter const& topics,
                                 bool top_checked = false);

    // After a read_log step: `history` (the log's frames of the topics, ids requested + 1 ..
    // history_to - 1) then the ring's from history_to on, and live after them, with no gap and
    // no duplicate; the reset frame instead when the ring no longer holds history_to.
    subscription_start subscribe_after_history(std::uint64_t requested, std::uint64_t history_to,
                                               std::vector<frame_ptr> history, topic_filter const& topics);

    // The history-lost start for a subscriber whose Last-Event-ID cannot be replayed.
    subscription_start history_lost(std::uint64_t requested);

    // An external log's position (from its reader thread). Once set, replay decisions consult
    // the log (replay_decision.hpp); the memory log never sets it.
    void set_log_position(log_position p);
    void note_log_top(std::uint64_t top); // raises the known top

    // Appends every frame with id >= from to out and returns the id of the first one appended
    // (or next_id() when none): greater than `from` when the ring already dropped frames. Then
    // `lost`, when given, gets the topics of the dropped frames with id >= from, taken in the
    // same instant (a later drop would blur which ones the caller missed).
    std::uint64_t pull(std::uint64_t from, std::vector<frame_ptr>& out, eviction_record* lost = nullptr) const;

    std::uint64_t next_id() const;
    std::uint64_t first_id() const { return options_.first_id; }
    hub_options const& options() const { return options_; }
    hub_counters& counters() { return counters_; }
    hub_counters const& counters() const { return counters_; }
    publish_throttle& throttle() { return throttle_; }

private:
    frame_ptr make_reset_frame(std::optional<std::uint64_t> requested) const; // under lock
    subscription_start reset_start(std::optional<std::uint64_t> requested);   // under lock

    hub_options options_;
    mutable std::mutex mutex_;
    event_ring ring_;
    std::optional<log_position> log_; // external log only
    std::vector<std::function<void()>> wakers_;
    hub_counters counters_;
    publish_throttle throttle_;
};

template <class Write>
auto hub::feed(Write&& write) -> std::invoke_result_t<Write&, event_ring&>
{
    std::uint64_t pushed = 0;
    auto result = [&] {
        std::lock_guard lock(mutex_);
        // Counted by pushes, not by ids: a restart_at (an external log) jumps ids without frames.
        auto const before = ring_.pushes();
        auto r = write(ring_);
        pushed = ring_.pushes() - before;
        // Every shard has taken the frames below taken_by_all(): what they lost is below too.
        if (pushed > 0)
            ring_.evictions().forget_below(throttle_.taken_by_all());
        return r;
    }();
    if (pushed > 0) {
        hub_counters::add(counters_.events_published, pushed);
        for (auto const& wake : wakers_)
            wake();
    }
    return result;
}

} // namespace ssehub
