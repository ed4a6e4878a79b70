// What one thread's subscribers saw. Plain counters are touched only by their thread; the
// atomics are copies published once per loop turn so the main thread can watch progress.
#pragma once

#include "latency_histogram.hpp"

#include <atomic>
#include <cstdint>

namespace loadgen {

struct delivery_stats {
    latency_histogram latency;
    std::uint64_t deliveries = 0;     // events carrying our payload
    std::uint64_t foreign_events = 0; // events without it (other topics, control events)
    std::uint64_t truncated_events = 0;
    std::int64_t last_delivery_us = 0;
};

struct alignas(64) pool_progress {
    std::atomic<std::uint64_t> connected{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> dropped{0}; // streams the server ended after they were open
    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::int64_t> last_connected_us{0};
    std::atomic<std::int64_t> last_delivery_us{0};
};

} // namespace loadgen
