// The demo events: a tick every second, and the server's own stats for the dashboard.
#pragma once

#include "ssehub/hub/event_draft.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace ssehub {

// {"n":N,"time":"2026-11-21T20:44:00.123Z"} as event "tick" on `topic`; with an instance name
// (a cluster, where every instance ticks) also "instance":"<name>".
event_draft make_tick(std::string const& topic, std::uint64_t n, std::chrono::system_clock::time_point now,
                      std::string const& instance = {});

// "2026-11-21T20:44:00.123Z"
std::string iso8601_utc(std::chrono::system_clock::time_point t);

struct stats_snapshot {
    std::int64_t subscribers = 0;
    std::uint64_t connections = 0;
    std::uint64_t published = 0;
    std::uint64_t delivered = 0;
    std::uint64_t slow_disconnects = 0;
    std::string instance; // instance_name: in a cluster each instance sends its own figures
};

// {"subscribers":..,"connections":..,"published":..,"delivered":..,"slowDisconnects":..,"time":"..",
//  "instance":".."}
// as event "stats" on `topic`.
event_draft make_stats(std::string const& topic, stats_snapshot const& s, std::chrono::system_clock::time_point now);

} // namespace ssehub
