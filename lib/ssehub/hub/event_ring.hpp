// The latest published frames, bounded in count and bytes, for Last-Event-ID replay.
#pragma once

#include "ssehub/hub/eviction_record.hpp"
#include "ssehub/hub/frame.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>

namespace ssehub {

// Holds frames with consecutive ids [first_id(), next_id()). Not thread-safe: the hub locks it.
class event_ring {
public:
    event_ring(std::size_t max_events, std::size_t max_bytes, std::uint64_t first_id);

    // Appends the frame with id next_id(), then drops the oldest frames until both bounds hold
    // (the newest frame always stays, even when it alone exceeds max_bytes). What it drops is
    // noted in evictions().
    void push(frame_ptr f);

    // Drops every frame (noted in evictions()) and goes on at `id` (>= next_id()): the first
    // frame an external log feeds, or the first after a gap or a new epoch in it. With
    // lose_all, every reader below `id` counts as having lost something, whatever its topics
    // (the log's history below is gone or not contiguous).
    void restart_at(std::uint64_t id, bool lose_all);

    std::uint64_t first_id() const { return next_id_ - frames_.size(); }
    std::uint64_t next_id() const { return next_id_; }
    std::size_t size() const { return frames_.size(); }
    std::size_t bytes() const { return bytes_; }
    std::uint64_t pushes() const { return pushes_; } // frames ever pushed
    bool contains(std::uint64_t id) const { return id >= first_id() && id < next_id_; }

    // Precondition: contains(id).
    frame_ptr const& at(std::uint64_t id) const { return frames_[id - first_id()]; }

    // Calls f(frame_ptr const&) for every frame with id >= from, oldest first.
    template <class F>
    void for_each_from(std::uint64_t from, F&& f) const
    {
        for (auto id = std::max(from, first_id()); id < next_id_; ++id)
            f(at(id));
    }

    // The topics of the frames dropped so far, for telling who missed what.
    eviction_record& evictions() { return evictions_; }
    eviction_record const& evictions() const { return evictions_; }

private:
    std::deque<frame_ptr> frames_;
    eviction_record evictions_;
    std::size_t max_events_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::uint64_t pushes_ = 0;
    std::uint64_t next_id_;
};

} // namespace ssehub
