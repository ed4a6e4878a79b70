// How many connections and streams the process can hold: the open-file limit, raised to its
// hard limit at startup, and max_streams / max_connections derived from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ssehub {

struct open_file_limit {
    std::uint64_t before = 0; // the soft limit the process started with
    std::uint64_t soft = 0;   // the effective limit
    std::uint64_t hard = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit: a process usually starts at 1024 under a far
// higher hard limit, and every connection is a file. On failure the limit stays as it was.
open_file_limit raise_open_file_limit();

// Files the process needs besides its connections (epoll, eventfds, the listener, stdio...).
inline constexpr std::uint64_t reserved_files = 64;

struct capacity_plan {
    std::int64_t max_streams = 0;
    std::int64_t max_connections = 0;
    std::vector<std::string> warnings; // configured limits the file limit cannot hold
};

// Connections above max_streams left to everything that is not a stream (health checks,
// metrics, publishers, the page) when every stream place is taken.
std::int64_t non_stream_headroom(std::int64_t streams);

// 0 for either limit means "derive it": max_streams from the open-file limit (minus the
// reserved files and the headroom), max_connections as max_streams plus the headroom.
// Pure: the startup code passes raise_open_file_limit().soft.
capacity_plan plan_capacity(std::int64_t max_streams, std::int64_t max_connections, std::uint64_t open_files);

} // namespace ssehub
