// What a subscriber sees of its shard: the window of frames it reads, the shard's settings and
// counters, the time of the pass or sweep in progress, a scratch list for its gathered writes,
// and the way out of the shard's list. A narrow, concrete view (no virtual call per frame), so
// a subscriber can be driven without a shard: the unit tests build one of their own.
#pragma once

#include "ssehub/delivery/delivery_options.hpp"
#include "ssehub/hub/frame.hpp"
#include "ssehub/hub/hub_counters.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

namespace ssehub {

class subscriber;

// Consecutive frames by id, [first(), next()): the shard appends what it pulls and drops what
// every cursor is past.
class frame_window {
public:
    explicit frame_window(std::uint64_t first) : first_(first) { }

    std::uint64_t first() const { return first_; }
    std::uint64_t next() const { return first_ + frames_.size(); }
    frame const& at(std::uint64_t id) const { return *frames_[id - first_]; }
    frame_ptr const& ptr(std::uint64_t id) const { return frames_[id - first_]; }

    void push_back(frame_ptr f) { frames_.push_back(std::move(f)); }
    void drop_below(std::uint64_t id)
    {
        while (first_ < id && !frames_.empty()) {
            frames_.pop_front();
            ++first_;
        }
    }
    void restart_at(std::uint64_t first) // the ring dropped what lay between: start over
    {
        frames_.clear();
        first_ = first;
    }

private:
    std::deque<frame_ptr> frames_;
    std::uint64_t first_;
};

// Shard thread only, like everything a subscriber touches.
struct stream_context {
    using clock = std::chrono::steady_clock;

    stream_context(delivery_options const& o, hub_counters& c, std::uint64_t first, std::function<void(subscriber&)> rm)
        : window(first), options(o), counters(c), remove(std::move(rm)) { }

    frame_window window;
    delivery_options const& options;
    hub_counters& counters;
    std::vector<net::const_buffer> scratch; // reused by every subscriber's direct write
    clock::time_point now = options.clock(); // as of the pass or sweep in progress
    std::function<void(subscriber&)> remove; // called once by a stream that ended
};

} // namespace ssehub
