// Small builders for tests of the hub and its event log: a draft, and a hub's options.
#pragma once

#include "ssehub/hub/event_draft.hpp"
#include "ssehub/hub/hub.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace ssehub::test {

inline event_draft draft(std::string topic, std::string payload, std::string event = "message")
{
    return event_draft{std::move(topic), std::move(event), std::move(payload)};
}

// A ring of `ring_events` (1 MiB of bytes) whose first id is `first_id`.
inline hub_options ring_options(std::size_t ring_events = 100, std::uint64_t first_id = 1)
{
    hub_options o;
    o.ring_events = ring_events;
    o.ring_bytes = 1 << 20;
    o.first_id = first_id;
    return o;
}

} // namespace ssehub::test
