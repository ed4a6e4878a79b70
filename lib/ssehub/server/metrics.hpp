// /metrics in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include "ssehub/hub/hub_counters.hpp"

#include <span>
#include <string>

namespace ssehub {

struct metrics_input {
    hub_counters const& hub;                   // publish-side counters
    std::span<hub_counters const* const> shards; // delivery-side counters, one per io thread
    std::size_t open_connections = 0;
    std::size_t max_connections = 0;
    double uptime_seconds = 0;
    std::string_view version;
    std::size_t open_streams = 0; // places taken under max_streams
    std::size_t max_streams = 0;
};

std::string render_metrics(metrics_input const& in);

// Sum of the delivery counters over all shards plus the hub's own.
struct counter_totals {
    std::int64_t subscribers = 0;
    std::uint64_t subscribers_total = 0, published = 0, delivered = 0, bytes = 0, replays = 0, replayed_frames = 0,
                  resets = 0, slow = 0, stalled = 0, lagged = 0, high_water = 0, publish_waits = 0;
};
counter_totals sum_counters(hub_counters const& hub, std::span<hub_counters const* const> shards);

} // namespace ssehub
