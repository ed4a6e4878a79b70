#include "ssehub/server/capacity.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

namespace ssehub {
namespace {

// The kernel's ceiling for RLIMIT_NOFILE (an "unlimited" hard limit cannot be set as the soft).
std::uint64_t kernel_file_ceiling()
{
    std::uint64_t n = 0;
    std::ifstream in("/proc/sys/fs/nr_open");
    if (in >> n && n > 0)
        return n;
    return 1u << 20;
}

} // namespace

open_file_limit raise_open_file_limit()
{
    open_file_limit out;
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return out;
    out.before = out.soft = rl.rlim_cur;
    out.hard = rl.rlim_max;
    auto const target = rl.rlim_max == RLIM_INFINITY ? kernel_file_ceiling() : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < target) {
        rlimit raised{static_cast<rlim_t>(target), rl.rlim_max};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            out.soft = target;
    }
    return out;
}

std::int64_t non_stream_headroom(std::int64_t streams)
{
    return std::clamp<std::int64_t>(streams / 8, 64, 1024);
}

capacity_plan plan_capacity(std::int64_t max_streams, std::int64_t max_connections, std::uint64_t open_files)
{
    capacity_plan plan;
    auto const files = static_cast<std::int64_t>(std::min<std::uint64_t>(open_files, INT64_MAX / 2));
    // An unlimited file limit still gets a finite default (the keys' own maximum).
    auto const usable = std::clamp<std::int64_t>(files - static_cast<std::int64_t>(reserved_files), 2, 10'000'000);
    // Streams from what the files hold, leaving the headroom for everything else.
    plan.max_streams = max_streams > 0 ? max_streams
                                       : std::max<std::int64_t>(usable - std::min(non_stream_headroom(usable), usable / 2), 1);
    plan.max_connections = max_connections > 0 ? max_connections : plan.max_streams + non_stream_headroom(plan.max_streams);
    if (max_streams == 0 && max_connections == 0)
        plan.max_connections = std::max(plan.max_connections, usable);

    if ((max_streams > 0 || max_connections > 0) && plan.max_connections > usable)
        plan.warnings.push_back("max_connections " + std::to_string(plan.max_connections) + " (max_streams "
                                + std::to_string(plan.max_streams) + ") needs about "
                                + std::to_string(plan.max_connections + static_cast<std::int64_t>(reserved_files))
                                + " open files, but the open-file limit is " + std::to_string(files)
                                + ": connections past about " + std::to_string(usable)
                                + " will wait unanswered in the accept queue. Raise the hard limit (ulimit -Hn, "
                                  "systemd LimitNOFILE=, docker run --ulimit nofile=N:N) or lower the limits");
    if (max_streams > 0 && max_connections > 0 && max_streams >= max_connections)
        plan.warnings.push_back("max_streams " + std::to_string(max_streams) + " is not below max_connections "
                                + std::to_string(max_connections)
                                + ": once streams take every connection, health checks, metrics and publishers get 503. "
                                  "Leave max_connections unset (max_streams + "
                                + std::to_string(non_stream_headroom(max_streams)) + ") or raise it");
    return plan;
}

} // namespace ssehub
