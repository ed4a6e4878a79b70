// What the hub has done, for /metrics and the stats event. Every field is a relaxed atomic:
// counters only, never used to synchronize anything.
#pragma once

#include <atomic>
#include <cstdint>

namespace ssehub {

struct hub_counters {
    std::atomic<std::int64_t> subscribers{0};
    std::atomic<std::uint64_t> subscribers_total{0};
    std::atomic<std::uint64_t> events_published{0};
    std::atomic<std::uint64_t> frames_delivered{0};
    std::atomic<std::uint64_t> bytes_written{0};
    std::atomic<std::uint64_t> replays{0};          // subscriptions that got missed events replayed
    std::atomic<std::uint64_t> replayed_frames{0};
    std::atomic<std::uint64_t> resets{0};           // history-lost control events sent
    std::atomic<std::uint64_t> slow_disconnects{0}; // cut for exceeding their queue bound
    std::atomic<std::uint64_t> stalled_disconnects{0}; // cut for a write stalled past write_timeout
    std::atomic<std::uint64_t> lag_disconnects{0};  // cut because the ring dropped frames they needed
    std::atomic<std::uint64_t> queue_high_water_bytes{0};
    std::atomic<std::uint64_t> publish_waits{0};    // publish answers held for the fan-out (backlog)

    static void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
    static void raise_to(std::atomic<std::uint64_t>& c, std::uint64_t v)
    {
        auto seen = c.load(std::memory_order_relaxed);
        while (seen < v && !c.compare_exchange_weak(seen, v, std::memory_order_relaxed)) { }
    }
};

} // namespace ssehub
