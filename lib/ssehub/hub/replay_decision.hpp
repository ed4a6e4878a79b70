// Where a subscriber's replay comes from, decided from positions alone (no I/O, no lock): the
// hub asks it under its mutex, the tests ask it directly.
#pragma once

#include <cstdint>
#include <optional>

namespace ssehub {

enum class replay_source {
    ring,      // the ring holds every id after the requested one: replay from it
    log,       // older than the ring, but the external log may hold it: read it there first
    wait,      // this instance has not read that far yet, the log has: go live from it
    check_top, // beyond what this instance knows of the log's top: ask the log
    lost,      // cannot be replayed: the history-lost control event
};

struct replay_position {
    std::uint64_t ring_first = 0; // the ring holds [ring_first, ring_next)
    std::uint64_t ring_next = 0;
    bool external_log = false;    // a log behind the ring (Redis); false: the ring is all there is
    std::uint64_t log_floor = 0;  // ids below are gone from the log for sure (its epoch's start)
    std::uint64_t log_top = 0;    // the highest id known to be in the log
};

// `requested`: the parsed Last-Event-ID (nullopt: not an id of ours).
constexpr replay_source decide_replay(std::optional<std::uint64_t> requested, replay_position const& p)
{
    if (!requested)
        return replay_source::lost;
    auto const after = *requested + 1; // the first id the client misses
    if (after >= p.ring_first && *requested < p.ring_next)
        return replay_source::ring;
    if (!p.external_log)
        return replay_source::lost;
    if (*requested >= p.ring_next)
        return *requested <= p.log_top ? replay_source::wait : replay_source::check_top;
    // Below the ring: the log may hold it, unless it is below the epoch this instance reads.
    return after >= p.log_floor ? replay_source::log : replay_source::lost;
}

} // namespace ssehub
