// Whether the Redis backplane works, and its counters: shared by the appender, the tailer and
// the history reader (each on its own thread), read by /readyz and /metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace ssehub {

// Thread-safe.
class backplane_state {
public:
    enum class part { appender, tailer };

    // A part reached Redis, or failed to (why: the reason, without any password). Logs one
    // line when the backplane as a whole goes down ("backplane down: why") and one when it is
    // back ("backplane up").
    void report(part p, bool ok, std::string const& why = {});

    bool up() const { return up_.load(std::memory_order_acquire); }
    std::string unready_reason() const; // empty when up

    // Counters (ssehub_backplane_*).
    std::atomic<std::uint64_t> appends{0};
    std::atomic<std::uint64_t> append_failures{0};
    std::atomic<std::uint64_t> reconnects{0};
    std::atomic<std::uint64_t> epochs{0};
    std::atomic<std::uint64_t> replays{0};
    std::atomic<std::uint64_t> tailer_lag{0};
    std::atomic<std::uint64_t> highest_seen{0}; // the highest id read or assigned here

    // The append latency histogram.
    void observe_append(std::chrono::steady_clock::duration d);
    std::string render_metrics() const;

private:
    static constexpr std::array<double, 12> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{}; // last: +Inf
    std::atomic<std::uint64_t> sum_us_{0};

    mutable std::mutex mutex_;
    std::array<bool, 2> ok_{false, false};
    std::string why_ = "not connected to Redis yet";
    int logged_ = -1; // -1: nothing logged yet, 0: down, 1: up
    std::atomic<bool> up_{false};
};

// Adds v to a (relaxed) and returns nothing: counters only.
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t v = 1) { a.fetch_add(v, std::memory_order_relaxed); }

// Raises a to at least v.
inline void raise_to(std::atomic<std::uint64_t>& a, std::uint64_t v)
{
    auto cur = a.load(std::memory_order_relaxed);
    while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

} // namespace ssehub
