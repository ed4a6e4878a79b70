// The hub's presence on one io thread: a window of recent frames and the subscribers living on
// that thread. One post per publish per thread reaches them all (O(threads) hand-offs per
// event), and each subscriber then costs O(1) plus the frames it actually writes.
#pragma once

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/delivery/delivery_options.hpp"
#include "ssehub/delivery/stream_context.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssehub {

class subscriber;
class event_log;

// Thread-safety: wake() and stop() may be called from any thread; everything else runs on the
// shard's own io_context thread, which owns all of the shard's state (no lock).
class hub_shard {
public:
    // `history`: the event log that holds what is older than the ring (nullptr: none; the
    // memory log never needs it). It must outlive the shard's pending history reads.
    hub_shard(net::io_context& ctx, hub& h, delivery_options options, event_log* history = nullptr);
    ~hub_shard();

    // Coalesced: many publishes before the shard runs cost one post.
    void wake();

    // Stops subscribing, then ends every stream: the events pulled up to now (call it after
    // event_log::close()), then a jittered retry: hint, then the close.
    void stop();

    // Shard thread only. Starts a stream on `socket` after `preamble` (response head and
    // stream opening). `expires`: when its credential runs out (max(): never); the sweep then
    // ends it with a retry: hint. Returns false when the shard is stopping (the socket is closed).
    bool subscribe(tcp_socket socket, topic_filter topics, std::optional<std::string_view> last_event_id,
                   std::string preamble, connection_slot slot,
                   std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max());

    // Shard thread. Heartbeats, write deadlines and token expiry as of options.clock(): the
    // sweep timer calls it (every heartbeat / 2, within 10 ms..1 s), the unit tests directly.
    void sweep();

    delivery_options const& options() const { return options_; }
    hub_counters& counters() { return counters_; }
    hub_counters const& counters() const { return counters_; }
    frame_window const& window() const { return context_.window; } // shard thread

private:
    struct pending_stream; // a subscription waiting for the event log (history or its top)

    void start_stream(std::shared_ptr<pending_stream> p, subscription_start start);
    void ask_log(std::shared_ptr<pending_stream> p, subscription_start const& start);
    void schedule_drain();
    void catch_up();       // an overdue drain or the pass's next turn, now
    void drain();          // starts a fan-out pass
    void continue_pass();  // one turn of the pass in progress
    void pull();           // appends newly published frames to the window
    void leap_over_gap(std::uint64_t first); // the ring dropped ids below `first` before the pull
    void trim_window();
    void arm_sweep();
    void remove(subscriber& s);

    net::io_context& ctx_;
    hub& hub_;
    delivery_options options_;
    event_log* history_;
    std::atomic<bool> wake_pending_{false};
    alignas(64) hub_counters counters_; // this shard's share of delivery counters
    stream_context context_;            // what its subscribers see of it
    std::vector<std::shared_ptr<subscriber>> subscribers_;
    std::vector<frame_ptr> pulled_; // reused by drain()
    eviction_record lost_;          // what the ring dropped before a pull could take it
    topic_filter_pool topic_lists_; // streams on the same topics share one list
    std::chrono::steady_clock::time_point last_drain_{};   // start of the last pass
    std::chrono::steady_clock::duration last_pass_{};       // how long it took
    // The pass in progress walks subscribers_ backwards from index pass_left_ - 1 (removal
    // swaps the last one in, which then is either visited already or visited again).
    bool pass_active_ = false;
    bool pass_again_ = false;        // woken during the pass: another pass follows
    std::size_t pass_left_ = 0;
    std::uint64_t pass_min_cursor_ = 0; // lowest cursor of those visited or added in the pass
    // A drain or a turn may run before its queued handler (catch_up): the handler then finds
    // these cleared and does nothing.
    bool drain_armed_ = false;       // drain_timer_ waits for drain_due_
    bool turn_posted_ = false;       // the pass's next turn is queued
    std::chrono::steady_clock::time_point drain_due_{};
    net::steady_timer drain_timer_;
    net::steady_timer sweep_timer_;
    std::size_t throttle_index_ = 0; // this shard in the hub's publish_throttle
    bool stopping_ = false;
};

} // namespace ssehub
