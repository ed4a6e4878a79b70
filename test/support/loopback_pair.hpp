// A connected pair of loopback TCP sockets, made in place without running the io_context: the
// server end for the code under test, the client end for the test, which reads it or, to make a
// slow client, does not (with a small receive buffer). No timing involved.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include <poll.h>

#include <string>

namespace ssehub::test {

struct loopback_pair {
    tcp_socket server;
    tcp::socket client;
};

inline loopback_pair make_loopback_pair(net::io_context& io, int client_receive_buffer = 0)
{
    tcp::acceptor acceptor(io, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    tcp::socket client(io);
    client.open(tcp::v4());
    if (client_receive_buffer > 0) // before connecting: it sets the window the peer sees
        client.set_option(net::socket_base::receive_buffer_size(client_receive_buffer));
    client.connect(acceptor.local_endpoint()); // the kernel completes it against the backlog
    tcp_socket server(io);
    acceptor.accept(server);
    return {std::move(server), std::move(client)};
}

// What the peer has sent so far (loopback: a send is in the receiver's queue when it returns).
inline std::string read_available(tcp::socket& client)
{
    std::string out;
    char buf[65536];
    boost::system::error_code ec;
    while (client.available(ec) > 0 && !ec) {
        auto const n = client.read_some(net::buffer(buf), ec);
        out.append(buf, n);
    }
    return out;
}

// Reads until the peer closes or resets (bounded: the peer has closed already in the tests).
inline std::string read_to_end(tcp::socket& client)
{
    std::string out;
    char buf[65536];
    boost::system::error_code ec;
    pollfd p{client.native_handle(), POLLIN, 0};
    while (!ec && ::poll(&p, 1, 2000) == 1) {
        auto const n = client.read_some(net::buffer(buf), ec);
        out.append(buf, n);
    }
    return out;
}

// Ends the client abortively (a reset): the server's next write fails at once.
inline void reset(tcp::socket& client)
{
    boost::system::error_code ec;
    client.set_option(net::socket_base::linger(true, 0), ec);
    client.close(ec);
}

} // namespace ssehub::test
