#include "ssehub/hub/event_ring.hpp"

#include <stdexcept>

namespace ssehub {

event_ring::event_ring(std::size_t max_events, std::size_t max_bytes, std::uint64_t first_id)
    : max_events_(max_events)
    , max_bytes_(max_bytes)
    , next_id_(first_id)
{
    if (max_events_ == 0)
        throw std::invalid_argument("event_ring: max_events must be positive");
}

void event_ring::push(frame_ptr f)
{
    if (f->id != next_id_)
        throw std::logic_error("event_ring: ids must be consecutive");
    bytes_ += f->bytes.size();
    frames_.push_back(std::move(f));
    ++next_id_;
    ++pushes_;
    while (frames_.size() > max_events_ || (bytes_ > max_bytes_ && frames_.size() > 1)) {
        bytes_ -= frames_.front()->bytes.size();
        evictions_.record(frames_.front()->topic, frames_.front()->id);
        frames_.pop_front();
    }
}

void event_ring::restart_at(std::uint64_t id, bool lose_all)
{
    if (id < next_id_)
        throw std::logic_error("event_ring: ids must not go back");
    for (auto const& f : frames_)
        evictions_.record(f->topic, f->id);
    frames_.clear();
    bytes_ = 0;
    next_id_ = id;
    if (lose_all)
        evictions_.lose_all_below(id);
}

} // namespace ssehub
