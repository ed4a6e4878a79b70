// What one thread's subscribers saw. Plain counters are touched only by their thread; the
// atomics are copies published once per loop turn so the main thread can watch progress.
#pragma once

#include "fixed_text.hpp"
#include "latency_histogram.hpp"
#include "run_control.hpp"

#include <atomic>
#include <cstdint>
#include <limits>

namespace loadgen {

// The replay storm's seed: the events 1..last of publisher `publisher`, published before the
// storm so that storm clients are owed them again. They count apart from live deliveries.
struct replay_seed {
    std::uint32_t publisher = std::numeric_limits<std::uint32_t>::max(); // max: no seed
    std::uint64_t last = 0;
};

struct delivery_stats {
    replay_seed seed;
    latency_histogram latency;
    latency_histogram storm_latency;    // of the live events sent during a storm
    storm_span const* storm = nullptr;  // the run's, while a pool runs
    std::uint64_t deliveries = 0;     // events carrying our payload
    std::uint64_t foreign_events = 0; // events without it (other topics, control events)
    std::uint64_t truncated_events = 0;
    std::int64_t last_delivery_us = 0;
    std::uint64_t seed_events = 0;   // seed events received (replayed ones, in a storm)
    std::uint64_t replays_done = 0;  // streams that received the last seed event
    std::int64_t last_replay_us = 0;
    fixed_text<64> first_seed_id;    // the SSE id of seed event 1, as the server numbered it
};

struct alignas(64) pool_progress {
    std::atomic<std::uint64_t> connected{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> dropped{0}; // streams the server ended after they were open
    std::atomic<std::uint64_t> deliveries{0};
    std::atomic<std::int64_t> last_connected_us{0};
    std::atomic<std::int64_t> last_delivery_us{0};
    std::atomic<std::uint64_t> seed_events{0};
    std::atomic<std::uint64_t> replays_done{0};
    std::atomic<std::int64_t> last_replay_us{0};
};

} // namespace loadgen
