// The phases of a run, set by the main thread and polled by the worker threads each loop turn.
#pragma once

#include <atomic>
#include <cstdint>

namespace loadgen {

enum class run_phase : int {
    setup,   // threads started, nothing sent yet
    ramp,    // subscribers connect
    settle,  // connecting is over: anything not open by now has failed
    publish, // the publisher sends its events
    stop,    // threads end
};

// The replay storm's span in the run's clock (now_us), set by the main thread: live events
// sent inside it count apart, so the latency "during the storm" is that of those events, not
// of the whole run (after the storm every storm client is a live subscriber too).
struct storm_span {
    std::atomic<std::int64_t> from_us{0}; // 0: no storm (yet)
    std::atomic<std::int64_t> to_us{0};   // 0: not over yet
    bool covers(std::int64_t sent_us) const
    {
        auto const from = from_us.load(std::memory_order_relaxed);
        auto const to = to_us.load(std::memory_order_relaxed);
        return from != 0 && sent_us >= from && (to == 0 || sent_us <= to);
    }
};

struct run_control {
    std::atomic<run_phase> phase{run_phase::setup};
    storm_span storm;

    run_phase get() const { return phase.load(std::memory_order_acquire); }
    void set(run_phase p) { phase.store(p, std::memory_order_release); }
};

} // namespace loadgen
