#include "ssehub/hub/hub.hpp"

#include "ssehub/sse/last_event_id.hpp"
#include "ssehub/sse/sse_encoder.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <stdexcept>

namespace ssehub {

hub::hub(hub_options options)
    : options_(options)
    , ring_(options.ring_events, options.ring_bytes, options.first_id)
    , throttle_(options.publish_backlog)
{
}

namespace {

std::size_t decimal_digits(std::uint64_t n)
{
    std::size_t d = 1;
    for (; n >= 10; n /= 10)
        ++d;
    return d;
}

// The bytes of frames ids [first, first + count) add for their "id: N\n" lines. Consecutive
// ids change length only at powers of ten: O(digits), not O(count), under the hub's lock.
std::size_t id_line_bytes(std::uint64_t first, std::size_t count)
{
    std::size_t total = 0;
    for (std::uint64_t id = first, end = first + count; id < end;) {
        auto const digits = decimal_digits(id);
        std::uint64_t power = 1;
        for (std::size_t i = 0; i < digits && power <= UINT64_MAX / 10; ++i)
            power *= 10;
        auto const stop = (digits >= 20 || power > end) ? end : power;
        total += static_cast<std::size_t>(stop - id) * (5 + digits);
        id = stop;
    }
    return total;
}

} // namespace

publish_result hub::publish(std::span<event_draft const> drafts)
{
    if (drafts.size() > options_.ring_events)
        return publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(drafts.size()) + " events exceeds ring_events ("
                               + std::to_string(options_.ring_events) + "): publish them in smaller batches"};
    // The expensive part, splitting payloads into data lines, happens before taking the lock.
    std::vector<std::string> bodies;
    bodies.reserve(drafts.size());
    std::size_t body_bytes = 0;
    for (auto const& d : drafts) {
        bodies.push_back(sse::encode_body(d.event, d.payload));
        body_bytes += bodies.back().size();
    }

    std::vector<std::uint64_t> ids;
    ids.reserve(drafts.size());
    {
        std::lock_guard lock(mutex_);
        if (closed_)
            return publish_refusal{publish_refusal::cause::closed, "server shutting down, nothing published"};
        // The ids' lengths are known only here; a refusal consumes no id.
        auto const bytes = body_bytes + id_line_bytes(ring_.next_id(), drafts.size());
        if (bytes > options_.ring_bytes)
            return publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(bytes) + " encoded bytes exceeds ring_bytes ("
                                   + std::to_string(options_.ring_bytes) + "): publish it in smaller batches"};
        for (std::size_t i = 0; i < drafts.size(); ++i) {
            auto const id = ring_.next_id();
            ring_.push(std::make_shared<frame const>(frame{id, drafts[i].topic, sse::encode_frame(id, bodies[i])}));
            ids.push_back(id);
        }
        // Every shard has taken the frames below taken_by_all(): what they lost is below too.
        ring_.evictions().forget_below(throttle_.taken_by_all());
    }
    hub_counters::add(counters_.events_published, drafts.size());
    for (auto const& wake : wakers_)
        wake();
    return ids;
}

std::uint64_t hub::publish(event_draft const& draft)
{
    auto result = publish(std::span<event_draft const>(&draft, 1));
    if (auto const* refused = std::get_if<publish_refusal>(&result)) {
        if (refused->why == publish_refusal::cause::closed)
            return 0;
        throw std::length_error(refused->message);
    }
    return std::get<std::vector<std::uint64_t>>(result).front();
}

void hub::close_publishing()
{
    std::lock_guard lock(mutex_);
    closed_ = true;
}

void hub::add_waker(std::function<void()> waker)
{
    wakers_.push_back(std::move(waker));
}

subscription_start hub::subscribe(std::optional<std::string_view> last_event_id, topic_filter const& topics)
{
    subscription_start start;
    std::optional<std::uint64_t> requested;
    if (last_event_id)
        requested = sse::parse_last_event_id(*last_event_id);

    std::lock_guard lock(mutex_);
    start.live_from = ring_.next_id();
    if (!last_event_id)
        return start;
    // Replayable when the client's id is in this run and the ring still holds the frame after
    // it: [first_id - 1, next_id - 1]. Anything else would be a wrong replay.
    if (requested && *requested + 1 >= ring_.first_id() && *requested < ring_.next_id()) {
        ring_.for_each_from(*requested + 1, [&](frame_ptr const& f) {
            if (topics.matches(f->topic))
                start.replay.push_back(f);
        });
        if (!start.replay.empty()) {
            hub_counters::add(counters_.replays);
            hub_counters::add(counters_.replayed_frames, start.replay.size());
        }
        return start;
    }
    start.reset = true;
    start.replay.push_back(make_reset_frame(requested));
    hub_counters::add(counters_.resets);
    return start;
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
