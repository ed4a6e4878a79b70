// Everything one run measured, and its two renderings: a readable summary and a CSV row.
#pragma once

#include "latency_histogram.hpp"
#include "subscriber_pool.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loadgen {

// One server process's part of the CPU time while publishing (a cluster has several).
struct process_cpu {
    pid_t pid = 0;
    std::string name; // "ssehub", "redis-server"
    double cpu_s = 0;
    double sys_s = 0;
};

struct run_result {
    std::string label;
    std::string server;
    // Connecting
    std::size_t requested = 0;
    std::size_t connected = 0;
    std::size_t failed = 0;
    std::size_t dropped = 0;   // open, then ended by the server or the network
    double connect_s = 0;      // first connect started -> last stream open
    long rss_before_kb = 0;    // server, before the first connect
    long rss_connected_kb = 0; // server, all subscribers open and idle
    long rss_end_kb = 0;
    double server_cpu_connect_s = 0;
    // Publishing and delivering
    double offered_rate = 0;
    std::uint64_t published = 0; // acknowledged with 2xx
    std::uint64_t publish_failed = 0;
    double publish_s = 0;        // first send -> last send
    std::uint64_t deliveries = 0;
    std::uint64_t expected = 0;  // published x open subscribers
    double deliver_s = 0;        // first send -> last delivery
    double server_cpu_publish_s = 0;
    double server_sys_publish_s = 0; // the kernel's part of server_cpu_publish_s
    double loadgen_cpu_s = 0;
    stream_summary streams;
    latency_histogram latency;
    latency_histogram storm_latency; // of the live events sent during the storm (storm_span)
    std::uint64_t foreign_events = 0;
    std::uint64_t truncated_events = 0;
    std::size_t publish_window = 1;
    latency_histogram publish_round_trip; // a request's write -> its 2xx answer
    std::vector<process_cpu> server_processes; // server_cpu_publish_s per process
    // A replay storm (replay_storm.hpp)
    std::size_t storm_clients = 0;
    std::size_t storm_connected = 0;  // got their response head
    std::size_t storm_replayed = 0;   // got their whole replay
    std::uint64_t storm_frames = 0;   // replayed events received
    double storm_connect_s = 0;       // first connect -> last head
    double storm_s = 0;               // first connect -> last replay complete

    double connect_rate() const { return connect_s > 0 ? static_cast<double>(connected) / connect_s : 0; }
    double bytes_per_subscriber() const;
    double publish_rate() const { return publish_s > 0 ? static_cast<double>(published) / publish_s : 0; }
    double deliveries_per_s() const { return deliver_s > 0 ? static_cast<double>(deliveries) / deliver_s : 0; }
    double deliveries_per_cpu_s() const;
    double storm_rate() const { return storm_s > 0 ? static_cast<double>(storm_replayed) / storm_s : 0; }
    bool lossless() const;
};

void print_summary(std::ostream& out, run_result const& r);

// Appends one row to path, writing the header first when the file is new or empty.
bool append_csv(std::string const& path, run_result const& r);

} // namespace loadgen
