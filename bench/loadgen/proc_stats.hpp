// A process's CPU time and resident memory, read from /proc/<pid> (Linux).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loadgen {

struct proc_sample {
    double cpu_seconds = 0;    // user + system, all threads
    double system_seconds = 0; // the kernel's part of it (on loopback, most of TCP for both ends)
    long rss_kb = 0;
};

// nullopt when the process does not exist (or /proc cannot be read).
std::optional<proc_sample> sample_process(pid_t pid);

// One sample of each process, in order; nullopt when one of them cannot be read.
std::optional<std::vector<proc_sample>> sample_processes(std::vector<pid_t> const& pids);

// The sum over a set of processes (a cluster's instances and its Redis count as one server).
proc_sample total(std::vector<proc_sample> const& samples);

// The command name of a process (/proc/<pid>/comm, e.g. "redis-server"); empty when unknown.
std::string process_name(pid_t pid);

// This process's own CPU time (getrusage), to show what the load generator itself used.
double own_cpu_seconds();

} // namespace loadgen
