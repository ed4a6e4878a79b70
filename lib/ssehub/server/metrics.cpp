#include "ssehub/server/metrics.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ssehub {
namespace {

void add_total(counter_totals& t, hub_counters const& c)
{
    auto const get = [](auto const& a) { return a.load(std::memory_order_relaxed); };
    t.subscribers += get(c.subscribers);
    t.subscribers_total += get(c.subscribers_total);
    t.published += get(c.events_published);
    t.delivered += get(c.frames_delivered);
    t.bytes += get(c.bytes_written);
    t.replays += get(c.replays);
    t.replayed_frames += get(c.replayed_frames);
    t.resets += get(c.resets);
    t.slow += get(c.slow_disconnects);
    t.stalled += get(c.stalled_disconnects);
    t.lagged += get(c.lag_disconnects);
    t.high_water = std::max(t.high_water, get(c.queue_high_water_bytes));
    t.publish_waits += get(c.publish_waits);
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help, auto value)
{
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

} // namespace

counter_totals sum_counters(hub_counters const& hub, std::span<hub_counters const* const> shards)
{
    counter_totals t;
    add_total(t, hub);
    for (auto const* s : shards)
        add_total(t, *s);
    return t;
}

std::string render_metrics(metrics_input const& in)
{
    auto const t = sum_counters(in.hub, in.shards);
    std::string out;
    metric(out, "ssehub_subscribers", "gauge", "Open event streams.", t.subscribers);
    metric(out, "ssehub_subscriptions_total", "counter", "Event streams opened.", t.subscribers_total);
    metric(out, "ssehub_events_published_total", "counter", "Events published.", t.published);
    metric(out, "ssehub_frames_delivered_total", "counter", "Event frames written to subscribers.", t.delivered);
    metric(out, "ssehub_bytes_written_total", "counter", "Bytes written to event streams.", t.bytes);
    metric(out, "ssehub_replays_total", "counter", "Subscriptions that replayed missed events.", t.replays);
    metric(out, "ssehub_replayed_frames_total", "counter", "Frames sent by replays.", t.replayed_frames);
    metric(out, "ssehub_resets_total", "counter", "History-lost control events sent.", t.resets);
    metric(out, "ssehub_slow_disconnects_total", "counter", "Streams cut for exceeding their queue bound.", t.slow);
    metric(out, "ssehub_stalled_disconnects_total", "counter", "Streams cut for a write stalled past write_timeout.", t.stalled);
    metric(out, "ssehub_lag_disconnects_total", "counter", "Streams cut because the ring dropped events of their topics before their io thread took them.", t.lagged);
    metric(out, "ssehub_publish_waits_total", "counter", "Publish answers held until the fan-out caught up (publish_backlog).", t.publish_waits);
    metric(out, "ssehub_queue_high_water_bytes", "gauge", "Largest per-subscriber queue seen, bytes.", t.high_water);
    metric(out, "ssehub_open_connections", "gauge", "Open connections (HTTP and streams).", in.open_connections);
    metric(out, "ssehub_max_connections", "gauge", "Connection limit (max_connections, streams included).", in.max_connections);
    metric(out, "ssehub_open_streams", "gauge", "Event streams holding a place under max_streams.", in.open_streams);
    metric(out, "ssehub_max_streams", "gauge", "Event stream limit (max_streams).", in.max_streams);
    metric(out, "ssehub_uptime_seconds", "gauge", "Seconds since the server started.", fmt::format("{:.3f}", in.uptime_seconds));
    fmt::format_to(std::back_inserter(out),
                   "# HELP ssehub_build_info Build information.\n# TYPE ssehub_build_info gauge\n"
                   "ssehub_build_info{{version=\"{}\"}} 1\n",
                   in.version);
    return out;
}

} // namespace ssehub
