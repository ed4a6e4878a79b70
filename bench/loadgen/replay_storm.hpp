// Scenario storm, a reconnect storm with replay. Before the live events, `storm_replay + 1` seed
// events are published on a connection of their own and reach the open subscribers. Then
// `storm` more subscribers connect at once (at most ramp_in_flight waiting for their head), each
// sending the id of seed event 1 as Last-Event-ID, so that the server owes each of them
// `storm_replay` events. Measured: the clients per second served their whole replay (first
// connect -> last replay complete). The live events published meanwhile are measured at the
// first subscribers as in every run. Main thread only; the storm's pools run on their own threads.
#pragma once

#include "options.hpp"
#include "pool_set.hpp"
#include "run_control.hpp"
#include "run_result.hpp"
#include "target.hpp"

#include <thread>
#include <vector>

namespace loadgen {

// The seed the live subscribers must tell apart from live events (none without a storm).
replay_seed storm_seed(options const& o);

class replay_storm {
public:
    // The storm's clients are dealt out over the subscribe servers; the seed goes to the first
    // publish server.
    replay_storm(options const& o, std::vector<target> const& subscribe, std::vector<target> const& publish);
    ~replay_storm(); // stops and joins the storm's threads
    replay_storm(replay_storm const&) = delete;
    replay_storm& operator=(replay_storm const&) = delete;

    // Publishes the seed, waits (bounded) until the open live subscribers have it and prepares
    // the storm's clients with its first id. False, with the reason on stderr, when no stream
    // saw the seed.
    bool seed(pool_set const& live);
    void start();
    // Waits until every client has its replay or failed (bounded by the ramp timeout from
    // start()), stops the clients and puts the storm's figures into r.
    void finish(run_result& r);
    // Every client has its replay, or failed or was dropped (any thread).
    bool over() const;
    // In now_us(): when start() began the storm, and when a client last completed its replay.
    std::int64_t start_us() const { return start_us_; }
    std::int64_t last_replay_us() const;

private:
    void stop();

    options const& o_;
    std::vector<target> subscribe_;
    target publish_;
    replay_seed seed_;
    run_control control_;
    pool_set pools_;
    std::vector<std::thread> threads_;
    std::int64_t start_us_ = 0;
};

} // namespace loadgen
