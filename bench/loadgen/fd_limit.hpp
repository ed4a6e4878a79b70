// The load generator holds one descriptor per subscriber: raise the soft limit to the hard one.
#pragma once

#include <cstddef>

namespace loadgen {

// Raises RLIMIT_NOFILE's soft limit to its hard limit and returns how many subscribers fit
// beside `reserved` other descriptors (publishers, epoll, stdio).
std::size_t raise_fd_limit(std::size_t reserved);

} // namespace loadgen
