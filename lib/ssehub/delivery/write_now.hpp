// "Write what fits now, the rest asynchronously", on a non-blocking socket: a write the kernel
// takes whole (the common case: a small answer, a stream keeping up) costs one send and no
// round through the io_context. The subscriber's batches and the session's answers use it.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <vector>

namespace ssehub {

// Writes what the socket's send buffer takes at once and returns the bytes written. A full
// send buffer is no error: 0 bytes and `ec` clear; the caller writes the rest asynchronously.
template <class Socket, class ConstBufferSequence>
std::size_t write_now(Socket& socket, ConstBufferSequence const& buffers, boost::system::error_code& ec)
{
    auto written = socket.write_some(buffers, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
        ec = {};
        written = 0;
    }
    return written;
}

// `rest` gets what write_now() left of `buffers` (it wrote their first `written` bytes): the
// buffers for the asynchronous write. The bytes themselves must live until it completes.
template <class ConstBufferSequence>
void unwritten_part(ConstBufferSequence const& buffers, std::size_t written, std::vector<net::const_buffer>& rest)
{
    rest.clear();
    for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers); ++it) {
        net::const_buffer b = *it;
        if (written >= b.size()) {
            written -= b.size();
            continue;
        }
        rest.push_back(b + written);
        written = 0;
    }
}

} // namespace ssehub
