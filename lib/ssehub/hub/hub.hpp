// The broadcaster: numbers and encodes each published event once, keeps the latest in a ring
// for replay, and wakes the per-thread shards that fan it out to subscribers.
#pragma once

#include "ssehub/hub/event_draft.hpp"
#include "ssehub/hub/event_ring.hpp"
#include "ssehub/hub/hub_counters.hpp"
#include "ssehub/hub/publish_throttle.hpp"
#include "ssehub/hub/topic_filter.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
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
};

// Why a publish was refused: the batch cannot fit the ring (accepting it would drop its own
// first events before any subscriber could take or replay them), or the hub is shutting down.
struct publish_refusal {
    enum class cause { too_large, closed }; // closed: shutdown began (close_publishing)
    cause why = cause::too_large;
    std::string message;
};

// The ids of the published events, in order, or why none was published.
using publish_result = std::variant<std::vector<std::uint64_t>, publish_refusal>;

// Event name of the control event a subscriber gets when its Last-Event-ID cannot be replayed.
inline constexpr std::string_view history_lost_event = "ssehub.history-lost";

// Thread-safe. publish() and subscribe() may run on any thread; the mutex covers only id
// assignment and the ring, never a call into a subscriber or a shard (wakers run after unlock).
class hub {
public:
    explicit hub(hub_options options);

    // Publishes in order, with consecutive ids, and returns them; or publishes nothing when
    // the batch exceeds ring_events or its frames ring_bytes, or once close_publishing() was
    // called. Drafts must be valid.
    publish_result publish(std::span<event_draft const> drafts);
    // For the server's own small events: 0 once the hub is closed; throws std::length_error if
    // the event alone exceeds the ring.
    std::uint64_t publish(event_draft const& draft);

    // Shutdown: every later publish is refused. A publish that returned ids before is in the
    // ring, so a shard that pulls after this call holds every event ever acknowledged.
    void close_publishing();

    // A waker is called after every publish, outside the lock. Add them all before publishing.
    void add_waker(std::function<void()> waker);

    // last_event_id: the raw header or query value, nullopt when the client sent none.
    subscription_start subscribe(std::optional<std::string_view> last_event_id, topic_filter const& topics);

    // Appends every frame with id >= from to out and returns the id of the first one appended
    // (or next_id() when none): greater than `from` when the ring already dropped frames. Then
    // `lost`, when given, gets the topics of the dropped frames with id >= from, taken in the
    // same instant (a later drop would blur which ones the caller missed).
    std::uint64_t pull(std::uint64_t from, std::vector<frame_ptr>& out, eviction_record* lost = nullptr) const;

    std::uint64_t next_id() const;
    std::uint64_t first_id() const { return options_.first_id; }
    hub_counters& counters() { return counters_; }
    hub_counters const& counters() const { return counters_; }
    publish_throttle& throttle() { return throttle_; }

private:
    frame_ptr make_reset_frame(std::optional<std::uint64_t> requested) const; // under lock

    hub_options options_;
    mutable std::mutex mutex_;
    event_ring ring_;
    std::vector<std::function<void()>> wakers_;
    bool closed_ = false; // under mutex_
    hub_counters counters_;
    publish_throttle throttle_;
};

} // namespace ssehub
