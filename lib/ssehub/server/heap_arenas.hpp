// How many malloc arenas the process uses (glibc).
#pragma once

#include <cstddef>

namespace ssehub {

// glibc gives each thread that meets contention an arena of its own (up to 8 per core). Memory
// freed on another thread than the one that allocated it (a connection accepted on one io thread
// and served on another) then sits in several arenas' free lists: measured with 10 000 idle
// streams on 2 io threads, 880-1 070 bytes of RSS per stream, against a steady 805-820 with one
// arena, with no change in throughput or p99 (docs/BENCHMARKS.md). One arena per 4 io threads.
std::size_t heap_arenas_for(std::size_t io_threads);

// Sets M_ARENA_MAX to heap_arenas_for(io_threads) before the io threads start, unless the user
// set MALLOC_ARENA_MAX (glibc's own variable, which then wins). Returns the limit set, or 0 when
// it was left alone (set by the user, or not glibc).
std::size_t limit_heap_arenas(std::size_t io_threads);

} // namespace ssehub
