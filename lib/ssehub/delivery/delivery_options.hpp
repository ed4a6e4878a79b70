// What the fan-out needs to know, built by the server from its configuration.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace ssehub {

struct delivery_options {
    std::size_t queue_bytes = 1 << 20;  // waiting bytes for one subscriber before it is cut
    std::size_t queue_frames = 10000;   // waiting frames for one subscriber before it is cut
    std::chrono::milliseconds heartbeat{15000};
    std::chrono::milliseconds write_timeout{30000};
    // SO_SNDBUF of each stream (0: the kernel's default and its autotuning, which lets a slow
    // client hold up to tcp_wmem's maximum, 4 MiB, in the kernel). Linux doubles the value for
    // its bookkeeping: 256 KiB gives 512 KiB, room for one whole batch (at most 256 KiB) while
    // the previous one is still in flight, so a reading client's writes still go out in one
    // writev each. Capped by net.core.wmem_max.
    std::size_t send_buffer_bytes = 256 * 1024;
    std::chrono::milliseconds retry{3000}; // base of the jittered retry: sent at shutdown
    // Fan-out passes start at least this far apart (and at least twice the last pass's
    // duration): under load each write then carries every frame published meanwhile (one
    // syscall for many events); when idle an event still goes out at once, since the last
    // pass is long past.
    std::chrono::microseconds delivery_interval{1000};
    // A pass writes to this many subscribers, then lets the thread's other work (publishes,
    // new connections, requests) run before it goes on: a pass over thousands of streams takes
    // tens of milliseconds, and publishes that waited for it would starve the hub of events.
    std::size_t subscribers_per_turn = 128;
    // The time passes, sweeps and write deadlines go by. Read once per pass turn, sweep and
    // asynchronous write, never per frame; the unit tests drive it by hand instead of sleeping.
    // The drain timer waits for a time of this clock: a test clock goes with delivery_interval 0.
    std::function<std::chrono::steady_clock::time_point()> clock = [] { return std::chrono::steady_clock::now(); };
};

} // namespace ssehub
