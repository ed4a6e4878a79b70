// The load generator's command line.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loadgen {

struct options {
    std::vector<std::string> subscribe_urls; // subscribers spread over them round-robin
    std::vector<std::string> publish_urls;   // publishing connections likewise
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
    std::size_t payload_bytes = 100;
    std::string publish_body = "%P";
    std::vector<std::string> headers;
    std::vector<pid_t> server_pids; // CPU and RSS summed over them (a cluster and its Redis)
    std::string label = "run";
    std::string server_name = "server";
    std::string csv_path;
    bool expect_no_loss = false;
    double max_seconds = 0; // 0: ramp + hold + duration + drain + 30 s
};

// Parses argv; exits with 0 for --help and 2 for a bad command line.
options parse_options(int argc, char** argv);

} // namespace loadgen
