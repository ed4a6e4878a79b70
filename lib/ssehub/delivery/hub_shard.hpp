// The hub's presence on one io thread: a window of recent frames and the subscribers living on
// that thread. One post per publish per thread reaches them all (O(threads) hand-offs per
// event), and each subscriber then costs O(1) plus the frames it actually writes.
#pragma once

#include "ssehub/delivery/connection_limit.hpp"
#include "ssehub/hub/hub.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssehub {

class subscriber;

struct delivery_options {
    std::size_t queue_bytes = 1 << 20;  // waiting bytes for one subscriber before it is cut
    std::size_t queue_frames = 10000;   // waiting frames for one subscriber before it is cut
    std::chrono::milliseconds heartbeat{15000};
    std::chrono::milliseconds write_timeout{30000};
    // SO_SNDBUF of each stream (0: the kernel's default and its autotuning, which lets a slow
    // client hold up to tcp_wmem's maximum, 4 MiB, in the kernel). Linux doubles the value for
    // its bookkeeping: 256 KiB gives 512 KiB, room for one whole batch (at most 256 KiB) while
    // the previous one is still in flight, so a reading client's writes still go out in one
    // writev each. Capped by net.core.wmem_max.
    std::size_t send_buffer_bytes = 256 * 1024;
    std::chrono::milliseconds retry{3000}; // base of the jittered retry: sent at shutdown
    // Fan-out passes start at least this far apart (and at least twice the last pass's
    // duration): under load each write then carries every frame published meanwhile (one
    // syscall for many events); when idle an event still goes out at once, since the last
    // pass is long past.
    std::chrono::microseconds delivery_interval{5000};
    // A pass writes to this many subscribers, then lets the thread's other work (publishes,
    // new connections, requests) run before it goes on: a pass over thousands of streams takes
    // tens of milliseconds, and publishes that waited for it would starve the hub of events.
    std::size_t subscribers_per_turn = 128;
};

// Thread-safety: wake() and stop() may be called from any thread; everything else runs on the
// shard's own io_context thread, which owns all of the shard's state (no lock).
class hub_shard {
public:
    hub_shard(net::io_context& ctx, hub& h, delivery_options options);
    ~hub_shard();

    // Coalesced: many publishes before the shard runs cost one post.
    void wake();

    // Stops subscribing, then ends every stream: the events pulled up to now (call it after
    // hub::close_publishing()), then a jittered retry: hint, then the close.
    void stop();

    // Shard thread only. Starts a stream on `socket` after `preamble` (response head and
    // stream opening). `expires`: when its credential runs out (max(): never); the sweep then
    // ends it with a retry: hint. Returns false when the shard is stopping (the socket is closed).
    bool subscribe(tcp::socket socket, topic_filter topics, std::optional<std::string_view> last_event_id,
                   std::string preamble, connection_slot slot,
                   std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max());

    // For subscribers (shard thread).
    std::uint64_t window_first() const { return window_first_; }
    std::uint64_t window_next() const { return window_first_ + window_.size(); }
    frame const& window_at(std::uint64_t id) const { return *window_[id - window_first_]; }
    frame_ptr const& window_frame(std::uint64_t id) const { return window_[id - window_first_]; }
    void remove(subscriber& s);
    delivery_options const& options() const { return options_; }
    hub_counters& counters() { return counters_; }
    hub_counters const& counters() const { return counters_; }
    hub& source() { return hub_; }
    std::size_t size() const { return subscribers_.size(); }
    std::vector<net::const_buffer>& scratch_buffers() { return scratch_; }
    std::chrono::steady_clock::time_point now() const { return now_; } // as of this drain/sweep

private:
    void schedule_drain();
    void drain();          // starts a fan-out pass
    void continue_pass();  // one turn of the pass in progress
    void pull();           // appends newly published frames to the window
    void leap_over_gap(std::uint64_t first); // the ring dropped ids below `first` before the pull
    void trim_window();
    void arm_sweep();
    void sweep();

    net::io_context& ctx_;
    hub& hub_;
    delivery_options options_;
    std::atomic<bool> wake_pending_{false};
    std::deque<frame_ptr> window_;
    std::uint64_t window_first_;
    std::vector<std::shared_ptr<subscriber>> subscribers_;
    std::vector<frame_ptr> pulled_; // reused by drain()
    eviction_record lost_;          // what the ring dropped before a pull could take it
    std::vector<net::const_buffer> scratch_; // reused by every subscriber's direct write
    std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_drain_{};   // start of the last pass
    std::chrono::steady_clock::duration last_pass_{};       // how long it took
    // The pass in progress walks subscribers_ backwards from index pass_left_ - 1 (removal
    // swaps the last one in, which then is either visited already or visited again).
    bool pass_active_ = false;
    bool pass_again_ = false;        // woken during the pass: another pass follows
    std::size_t pass_left_ = 0;
    std::uint64_t pass_min_cursor_ = 0; // lowest cursor of those visited or added in the pass
    net::steady_timer drain_timer_;
    net::steady_timer sweep_timer_;
    std::size_t throttle_index_ = 0; // this shard in the hub's publish_throttle
    bool stopping_ = false;
    alignas(64) hub_counters counters_; // this shard's share of delivery counters
};

} // namespace ssehub
