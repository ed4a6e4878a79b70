// The subscriber pools of a run, and what the main thread does with them: sum a progress
// counter over all pools, and wait (bounded) for a condition.
#pragma once

#include "clock.hpp"
#include "round_robin.hpp"
#include "subscriber_pool.hpp"

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace loadgen {

using pool_set = std::vector<std::unique_ptr<subscriber_pool>>;

template <class F>
std::uint64_t sum(pool_set const& ps, F field)
{
    std::uint64_t total = 0;
    for (auto const& p : ps)
        total += field(p->progress()).load(std::memory_order_relaxed);
    return total;
}

// Polls done() every 2 ms for at most `seconds`.
template <class Done>
void wait_until(double seconds, Done done)
{
    auto const deadline = now_us() + static_cast<std::int64_t>(seconds * 1e6);
    while (!done() && now_us() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// `count` subscribers over `threads` pools, each allowed its share of `in_flight` and `rate`,
// and dealt out over the servers in turn (round_robin.hpp).
inline pool_set make_pools(std::vector<target> const& servers, std::size_t count, std::size_t threads,
                           std::size_t in_flight, double rate, replay_seed seed = {}, std::string const& extra_headers = {})
{
    pool_set out;
    for (std::size_t i = 0; i < threads; ++i) {
        auto const share = slice_of(count, threads, i);
        ramp_options ramp;
        ramp.count = share.count;
        ramp.in_flight = std::max<std::size_t>(1, in_flight / threads);
        ramp.rate = rate / static_cast<double>(threads);
        out.push_back(std::make_unique<subscriber_pool>(servers, share.first, ramp, seed, extra_headers));
    }
    return out;
}

} // namespace loadgen
