// "Write what fits now, the rest asynchronously", on a non-blocking socket: a write the kernel
// takes whole (the common case: a small answer, a stream keeping up) costs one send and no
// round through the io_context. The subscriber's batches and the session's answers use it.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <iterator>
#include <vector>

#include <sys/socket.h>
#include <sys/uio.h>

namespace ssehub {

// Writes what the socket's send buffer takes at once and returns the bytes written. A full
// send buffer is no error: 0 bytes (or fewer than all) and `ec` clear; the caller writes the
// rest asynchronously. Asio hands at most 64 buffers to one writev; a longer sequence (a replay
// of 1 000 frames) goes to sendmsg directly, up to IOV_MAX buffers per call: 64 at a time, a
// 1 000-frame replay cost 16 system calls and 16 loopback packets of 6 KB where one call
// carries it all (issue 17: a reconnect storm spent most of its time in per-packet work).
template <class Socket, class ConstBufferSequence>
std::size_t write_now(Socket& socket, ConstBufferSequence const& buffers, boost::system::error_code& ec)
{
    constexpr std::size_t asio_limit = 64;
    auto it = net::buffer_sequence_begin(buffers);
    auto const end = net::buffer_sequence_end(buffers);
    if (std::distance(it, end) <= static_cast<std::ptrdiff_t>(asio_limit)) {
        // The common case (a live batch, an answer): one writev, no copy of the list.
        auto const w = socket.write_some(buffers, ec);
        if (ec == net::error::would_block || ec == net::error::try_again) {
            ec = {};
            return 0;
        }
        return w;
    }
    std::array<iovec, IOV_MAX> part;
    std::size_t written = 0;
    while (it != end) {
        std::size_t n = 0, bytes = 0;
        for (auto jt = it; jt != end && n < part.size(); ++jt) {
            net::const_buffer const b = *jt;
            part[n++] = iovec{const_cast<void*>(b.data()), b.size()}; // sendmsg only reads it
            bytes += b.size();
        }
        if (bytes == 0) { // only empty buffers here: nothing to send
            std::advance(it, static_cast<std::ptrdiff_t>(n));
            continue;
        }
        msghdr msg{};
        msg.msg_iov = part.data();
        msg.msg_iovlen = n;
        auto w = ::sendmsg(socket.native_handle(), &msg, MSG_NOSIGNAL);
        while (w < 0 && errno == EINTR)
            w = ::sendmsg(socket.native_handle(), &msg, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                ec.assign(errno, boost::system::system_category());
            return written;
        }
        written += static_cast<std::size_t>(w);
        if (static_cast<std::size_t>(w) < bytes)
            return written; // the send buffer is full: the next call would only say so
        std::advance(it, static_cast<std::ptrdiff_t>(n)); // the whole part went out
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
