#include "ssehub/backplane/backplane_state.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace ssehub {

void backplane_state::report(part p, bool ok, std::string const& why)
{
    std::lock_guard lock(mutex_);
    ok_[static_cast<std::size_t>(p)] = ok;
    if (!ok)
        why_ = why;
    bool const all = ok_[0] && ok_[1];
    up_.store(all, std::memory_order_release);
    // Only a change of the whole is logged: an outage is one line, not one per retry.
    if (all && logged_ != 1) {
        spdlog::info("backplane up");
        logged_ = 1;
    } else if (!ok && logged_ != 0) {
        spdlog::warn("backplane down: {}", why);
        logged_ = 0;
    }
}

std::string backplane_state::unready_reason() const
{
    if (up())
        return {};
    std::lock_guard lock(mutex_);
    return "event log unavailable: " + why_;
}

void backplane_state::observe_append(std::chrono::steady_clock::duration d)
{
    auto const us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    auto const s = static_cast<double>(us) / 1e6;
    std::size_t i = 0;
    while (i < bounds.size() && s > bounds[i])
        ++i;
    bump(buckets_[i]);
    bump(sum_us_, static_cast<std::uint64_t>(us));
}

std::string backplane_state::render_metrics() const
{
    auto get = [](std::atomic<std::uint64_t> const& a) { return a.load(std::memory_order_relaxed); };
    std::string out;
    auto metric = [&](char const* name, char const* type, char const* help, std::uint64_t v) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " "
            + std::to_string(v) + "\n";
    };
    metric("ssehub_backplane_up", "gauge", "1 when the event log (Redis) is reachable.", up() ? 1 : 0);
    metric("ssehub_backplane_appends_total", "counter", "Batches appended to Redis.", get(appends));
    metric("ssehub_backplane_append_failures_total", "counter", "Batches refused for Redis being down or slow.", get(append_failures));
    out += "# HELP ssehub_backplane_append_seconds Time from a publish's append to Redis's acknowledgement.\n"
           "# TYPE ssehub_backplane_append_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += get(buckets_[i]);
        char le[32];
        if (i < bounds.size())
            std::snprintf(le, sizeof le, "%g", bounds[i]);
        else
            std::snprintf(le, sizeof le, "+Inf");
        out += std::string("ssehub_backplane_append_seconds_bucket{le=\"") + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    char sum[40];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(get(sum_us_)) / 1e6);
    out += std::string("ssehub_backplane_append_seconds_sum ") + sum + "\n";
    out += "ssehub_backplane_append_seconds_count " + std::to_string(cumulative) + "\n";
    metric("ssehub_backplane_tailer_lag_events", "gauge", "Ids this instance's tailer is behind the stream's top.", get(tailer_lag));
    metric("ssehub_backplane_reconnects_total", "counter", "Connections to Redis made again after a loss.", get(reconnects));
    metric("ssehub_backplane_epochs_total", "counter", "New epochs seen in the stream (Redis lost data).", get(epochs));
    metric("ssehub_backplane_replays_total", "counter", "Replays served from Redis, not the ring.", get(replays));
    return out;
}

} // namespace ssehub
