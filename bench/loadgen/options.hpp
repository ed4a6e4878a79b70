// The load generator's command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loadgen {

struct options {
    // Several of each spread the load round-robin (round_robin.hpp): a cluster's instances.
    std::vector<std::string> subscribe_urls;
    std::vector<std::string> publish_urls;
    std::size_t subscribers = 100;
    std::size_t threads = 1;
    std::size_t ramp_in_flight = 256;
    double ramp_rate = 0;
    double ramp_timeout_s = 60;
    double settle_s = 0.5;
    double hold_s = 0;
    std::uint64_t events = 1000;
    double rate = 100;
    double duration_s = 10;
    double drain_s = 5;
    std::size_t publishers = 1;
    std::size_t publish_window = 1; // pipelined requests in flight per publisher connection
    std::size_t payload_bytes = 100;
    std::string publish_body = "%P";
    std::vector<std::string> headers;
    std::vector<pid_t> server_pids; // CPU and RSS are summed over them (0s are dropped: none)
    std::string label = "run";
    std::string server_name = "server";
    std::string csv_path;
    bool expect_no_loss = false;
    double max_seconds = 0; // 0: ramp + hold + duration + drain + 30 s (+ a storm's ramp and 60 s)
    std::size_t storm = 0;  // replay-storm clients (replay_storm.hpp); 0: no storm
    std::uint64_t storm_replay = 1000; // events replayed to each of them
};

// Parses argv into o. nullopt: the run can go on; else the exit code (0 after --help, 2 for a
// bad command line), with the reason printed.
std::optional<int> read_options(int argc, char const* const* argv, options& o);

// read_options, exiting with its code when the run cannot go on.
options parse_options(int argc, char** argv);

} // namespace loadgen
