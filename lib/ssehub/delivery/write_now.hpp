// "Write what fits now, the rest asynchronously", on a non-blocking socket: a write the kernel
// takes whole (the common case: a small answer, a stream keeping up) costs one send and no
// round through the io_context. The subscriber's batches and the session's answers use it.
#pragma once

#include "ssehub/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <climits>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <vector>

#include <sys/uio.h>

namespace ssehub {

namespace detail {

// One send of `bytes` on non-blocking descriptor `fd`: what the kernel took, 0 with `ec` clear
// when the send buffer is full, or 0 with `ec` set (write_now.cpp).
std::size_t send_some(int fd, void const* data, std::size_t bytes, boost::system::error_code& ec);
// One sendmsg of `count` (at most IOV_MAX) buffers, the same way.
std::size_t send_some(int fd, iovec const* buffers, std::size_t count, boost::system::error_code& ec);
// The calling thread's block for gathering buffers into one (flat_bytes long).
char* flat_block();
inline constexpr std::size_t flat_bytes = 512 * 1024;

} // namespace detail

// Writes what the socket's send buffer takes at once and returns the bytes written. A full
// send buffer is no error: 0 bytes (or fewer than all) and `ec` clear; the caller writes the
// rest asynchronously. Up to 64 buffers go to Asio's writev. More (a replay of 1 000 frames, a
// long batch under load) are copied into one block of the thread's and sent at once: the
// kernel's copy from 1 000 small pieces of about 130 bytes costs more than copying them here,
// and 64 at a time (Asio's limit) a 1 000-frame replay took 16 system calls and 16 loopback
// packets (issue 17: reconnect storms). Beyond the block, sendmsg takes IOV_MAX per call.
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
    auto const fd = socket.native_handle();
    if (auto const total = net::buffer_size(buffers); total <= detail::flat_bytes) {
        auto* const block = detail::flat_block();
        auto* at = block;
        for (; it != end; ++it) {
            net::const_buffer const b = *it;
            if (b.size() == 0) // an empty buffer may have no data pointer at all
                continue;
            std::memcpy(at, b.data(), b.size());
            at += b.size();
        }
        return detail::send_some(fd, block, total, ec);
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
        auto const w = bytes == 0 ? 0 : detail::send_some(fd, part.data(), n, ec);
        written += w;
        if (ec || w < bytes)
            return written; // an error, or the send buffer is full: the next call would only say so
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
