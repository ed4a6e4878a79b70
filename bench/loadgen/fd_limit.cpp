#include "fd_limit.hpp"

#include <sys/resource.h>

namespace loadgen {

std::size_t raise_fd_limit(std::size_t reserved)
{
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 0;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    auto const soft = static_cast<std::size_t>(lim.rlim_cur);
    return soft > reserved ? soft - reserved : 0;
}

} // namespace loadgen
