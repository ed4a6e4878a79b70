// The kernel's table of this machine's TCP sockets (/proc/net/tcp and tcp6): what the server
// side of a connection still holds, seen from outside the server.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ssehub::test {

struct tcp_entry {
    int state = 0;              // as the kernel numbers them: 1 ESTABLISHED, 4 FIN_WAIT1, 7 CLOSE ...
    std::uint64_t tx_queue = 0; // bytes written to the socket and not yet acknowledged by the peer
};

// The sockets whose local port is `local_port` and whose peer's port is `remote_port`.
inline std::vector<tcp_entry> tcp_sockets(std::uint16_t local_port, std::uint16_t remote_port)
{
    auto const port_of = [](std::string const& address) {
        return std::stoul(address.substr(address.rfind(':') + 1), nullptr, 16);
    };
    std::vector<tcp_entry> out;
    for (char const* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(path);
        std::string line;
        std::getline(in, line); // the column names
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues; // queues: "tx_queue:rx_queue", hex
            fields >> slot >> local >> remote >> state >> queues;
            if (queues.empty() || port_of(local) != local_port || port_of(remote) != remote_port)
                continue;
            out.push_back({std::stoi(state, nullptr, 16), std::stoull(queues.substr(0, queues.find(':')), nullptr, 16)});
        }
    }
    return out;
}

} // namespace ssehub::test
