#include "ssehub/server/heap_arenas.hpp"

#include <algorithm>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ssehub {

std::size_t heap_arenas_for(std::size_t io_threads) { return std::max<std::size_t>(1, (io_threads + 3) / 4); }

std::size_t limit_heap_arenas(std::size_t io_threads)
{
#if defined(__GLIBC__)
    if (std::getenv("MALLOC_ARENA_MAX") != nullptr)
        return 0;
    auto const arenas = heap_arenas_for(io_threads);
    return mallopt(M_ARENA_MAX, static_cast<int>(arenas)) == 1 ? arenas : 0;
#else
    (void)io_threads;
    return 0;
#endif
}

} // namespace ssehub
