// Dealing connections out over several servers (a cluster's instances) and over threads. The
// k-th subscriber, counted over all threads, goes to server k mod n; each thread takes a
// contiguous run of k, so every thread serves every server alike.
#pragma once

#include <cstddef>

namespace loadgen {

// The server of the k-th connection among `servers` (at least one).
inline std::size_t server_of(std::size_t k, std::size_t servers) { return servers > 1 ? k % servers : 0; }

// The i-th of `parts` contiguous runs that share `count` things as evenly as they can: the
// first count % parts runs hold one more.
struct slice {
    std::size_t first = 0;
    std::size_t count = 0;
};

inline slice slice_of(std::size_t count, std::size_t parts, std::size_t i)
{
    auto const base = count / parts, extra = count % parts;
    return {i * base + (i < extra ? i : extra), base + (i < extra ? 1 : 0)};
}

} // namespace loadgen
