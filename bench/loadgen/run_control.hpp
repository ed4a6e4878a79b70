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

struct run_control {
    std::atomic<run_phase> phase{run_phase::setup};

    run_phase get() const { return phase.load(std::memory_order_acquire); }
    void set(run_phase p) { phase.store(p, std::memory_order_release); }
};

} // namespace loadgen
