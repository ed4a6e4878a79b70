// Where the load goes: an http:// URL on 127.0.0.1, and non-blocking connects to it.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <vector>

namespace loadgen {

struct target {
    sockaddr_in address{};
    std::string host_header; // "127.0.0.1:8080"
    std::string path;        // "/events?topic=bench"
};

// Accepts http://127.0.0.1[:port][/path] or http://localhost[...] only: this tool never sends
// traffic anywhere else. nullopt (and a message on stderr) for anything else.
std::optional<target> parse_target(std::string const& url);

// Every URL parsed, in order; nullopt when one of them is refused.
std::optional<std::vector<target>> parse_targets(std::vector<std::string> const& urls);

// A non-blocking TCP socket whose connect to `t` has started; -1 when no socket could be made
// (errno tells why). SO_LINGER 0 is set so that closing it leaves no TIME_WAIT behind: repeated
// runs of tens of thousands of connections would otherwise run out of ephemeral ports.
int start_connect(target const& t);

// 0 when the connect that start_connect began has completed, else the socket error.
int connect_result(int fd);

} // namespace loadgen
