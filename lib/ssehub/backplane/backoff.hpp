// Jittered exponential backoff between reconnection attempts: instances that lost Redis
// together do not all come back at the same instant.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace ssehub {

// Not thread-safe: one per thread.
class backoff {
public:
    std::chrono::milliseconds next()
    {
        auto const base = std::min(max_, first_ * (1 << std::min(attempt_++, 6)));
        std::uniform_real_distribution<double> jitter(0.5, 1.5);
        return std::chrono::milliseconds(static_cast<long>(static_cast<double>(base.count()) * jitter(rng_)));
    }
    void reset() { attempt_ = 0; }

private:
    std::chrono::milliseconds first_{100};
    std::chrono::milliseconds max_{5000};
    int attempt_ = 0;
    std::minstd_rand rng_{std::random_device{}()};
};

} // namespace ssehub
