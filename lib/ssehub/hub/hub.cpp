#include "ssehub/hub/hub.hpp"

#include "ssehub/sse/last_event_id.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>

namespace ssehub {

hub::hub(hub_options options)
    : options_(options)
    , ring_(options.ring_events, options.ring_bytes, options.first_id)
    , throttle_(options.publish_backlog)
{
}

void hub::add_waker(std::function<void()> waker)
{
    wakers_.push_back(std::move(waker));
}

subscription_start hub::subscribe(std::optional<std::string_view> last_event_id, topic_filter const& topics, bool top_checked)
{
    subscription_start start;
    std::optional<std::uint64_t> requested;
    if (last_event_id)
        requested = sse::parse_last_event_id(*last_event_id);

    std::lock_guard lock(mutex_);
    if (log_ && !log_->warmed) {
        start.next = subscription_start::step::not_ready;
        return start;
    }
    start.live_from = ring_.next_id();
    if (!last_event_id)
        return start;
    replay_position pos{ring_.first_id(), ring_.next_id()};
    if (log_) {
        pos.external_log = true;
        pos.log_floor = log_->floor;
        pos.log_top = log_->top;
    }
    auto source = decide_replay(requested, pos);
    if (source == replay_source::check_top && top_checked)
        source = replay_source::lost; // beyond the log's top as just read: unknown
    switch (source) {
    case replay_source::ring:
        // Replayable: the client's id is in this run and the ring still holds the frame after
        // it, [first_id - 1, next_id - 1]. Anything else would be a wrong replay.
        ring_.for_each_from(*requested + 1, [&](frame_ptr const& f) {
            if (topics.matches(f->topic))
                start.replay.push_back(f);
        });
        if (!start.replay.empty()) {
            hub_counters::add(counters_.replays);
            hub_counters::add(counters_.replayed_frames, start.replay.size());
        }
        return start;
    case replay_source::wait:
        // The log has it, this instance's reader is not there yet: live from the next one.
        start.live_from = *requested + 1;
        return start;
    case replay_source::log:
        start.next = subscription_start::step::read_log;
        start.requested = *requested;
        start.history_to = ring_.first_id();
        return start;
    case replay_source::check_top:
        start.next = subscription_start::step::check_top;
        start.requested = *requested;
        return start;
    case replay_source::lost:
        break;
    }
    return reset_start(requested);
}

subscription_start hub::subscribe_after_history(std::uint64_t requested, std::uint64_t history_to,
                                                std::vector<frame_ptr> history, topic_filter const& topics)
{
    std::lock_guard lock(mutex_);
    // The ring moved past history_to while the log was read: the seam would have a hole.
    if (ring_.first_id() > history_to)
        return reset_start(requested);
    subscription_start start;
    start.replay = std::move(history);
    ring_.for_each_from(history_to, [&](frame_ptr const& f) {
        if (topics.matches(f->topic))
            start.replay.push_back(f);
    });
    start.live_from = ring_.next_id();
    if (!start.replay.empty()) {
        hub_counters::add(counters_.replays);
        hub_counters::add(counters_.replayed_frames, start.replay.size());
    }
    return start;
}

subscription_start hub::history_lost(std::uint64_t requested)
{
    std::lock_guard lock(mutex_);
    return reset_start(requested);
}

subscription_start hub::reset_start(std::optional<std::uint64_t> requested)
{
    subscription_start start;
    start.live_from = ring_.next_id();
    start.reset = true;
    start.replay.push_back(make_reset_frame(requested));
    hub_counters::add(counters_.resets);
    return start;
}

void hub::set_log_position(log_position p)
{
    std::lock_guard lock(mutex_);
    log_ = p;
}

void hub::note_log_top(std::uint64_t top)
{
    std::lock_guard lock(mutex_);
    if (log_)
        log_->top = std::max(log_->top, top);
}

frame_ptr hub::make_reset_frame(std::optional<std::uint64_t> requested) const
{
    // The control event carries the id of the newest event, so the client's next reconnect
    // resumes from here instead of asking again for history that is gone.
    boost::json::object data;
    data["reason"] = "the requested Last-Event-ID is not in the replay buffer";
    data["lastEventId"] = requested ? boost::json::value(std::to_string(*requested)) : nullptr;
    data["earliestId"] = std::to_string(ring_.first_id());
    data["latestId"] = std::to_string(ring_.next_id() - 1);
    auto const body = sse::encode_body(history_lost_event, boost::json::serialize(data));
    auto const id = ring_.next_id() - 1;
    return std::make_shared<frame const>(frame{id, std::string{}, sse::encode_frame(id, body)});
}

std::uint64_t hub::pull(std::uint64_t from, std::vector<frame_ptr>& out, eviction_record* lost) const
{
    std::lock_guard lock(mutex_);
    auto const first = std::max(from, ring_.first_id());
    ring_.for_each_from(first, [&](frame_ptr const& f) { out.push_back(f); });
    if (lost && first > from)
        *lost = ring_.evictions().since(from);
    return std::min(first, ring_.next_id());
}

std::uint64_t hub::next_id() const
{
    std::lock_guard lock(mutex_);
    return ring_.next_id();
}

} // namespace ssehub
