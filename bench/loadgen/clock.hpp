// One monotonic clock for the whole load generator: send stamps and receive times are taken in
// the same process, so latencies are differences of this clock (microseconds).
#pragma once

#include <cstdint>
#include <ctime>

namespace loadgen {

inline std::int64_t now_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline std::int64_t now_us() { return now_ns() / 1000; }

} // namespace loadgen
