#include "ssehub/hub/memory_event_log.hpp"

#include "ssehub/sse/sse_encoder.hpp"

#include <cstdint>

namespace ssehub {

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

memory_event_log::memory_event_log(hub& h)
    : hub_(h)
{
}

void memory_event_log::append(std::vector<event_draft> drafts, std::shared_ptr<append_handler> done)
{
    done->appended(append_now(drafts));
}

void memory_event_log::close()
{
    closing_.store(true, std::memory_order_relaxed);
    hub_.feed([this](event_ring&) { return closed_ = true; });
}

std::string memory_event_log::unready_reason() const
{
    return closing_.load(std::memory_order_relaxed) ? "server shutting down" : std::string{};
}

publish_result memory_event_log::append_now(std::vector<event_draft> const& drafts)
{
    auto const& limits = hub_.options();
    if (drafts.size() > limits.ring_events)
        return publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(drafts.size()) + " events exceeds ring_events ("
                               + std::to_string(limits.ring_events) + "): publish them in smaller batches"};
    // The expensive part, splitting payloads into data lines, happens before taking the lock.
    std::vector<std::string> bodies;
    bodies.reserve(drafts.size());
    std::size_t body_bytes = 0;
    for (auto const& d : drafts) {
        bodies.push_back(sse::encode_body(d.event, d.payload));
        body_bytes += bodies.back().size();
    }
    return hub_.feed([&](event_ring& ring) -> publish_result {
        if (closed_)
            return publish_refusal{publish_refusal::cause::closed, "server shutting down, nothing published"};
        // The ids' lengths are known only here; a refusal consumes no id.
        auto const bytes = body_bytes + id_line_bytes(ring.next_id(), drafts.size());
        if (bytes > limits.ring_bytes)
            return publish_refusal{publish_refusal::cause::too_large, "a publish of " + std::to_string(bytes) + " encoded bytes exceeds ring_bytes ("
                                   + std::to_string(limits.ring_bytes) + "): publish it in smaller batches"};
        std::vector<std::uint64_t> ids;
        ids.reserve(drafts.size());
        for (std::size_t i = 0; i < drafts.size(); ++i) {
            auto const id = ring.next_id();
            ring.push(std::make_shared<frame const>(frame{id, drafts[i].topic, sse::encode_frame(id, bodies[i])}));
            ids.push_back(id);
        }
        return ids;
    });
}

} // namespace ssehub
