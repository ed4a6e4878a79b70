// Answers to pipelined requests, gathered while the next request is already in hand and sent in
// one write before the session waits for anything (more bytes, the event log, the throttle): a
// window of N pipelined publishes then costs one send instead of N. A client that sends one
// request at a time never fills it (its buffer is empty after each request), so its answer goes
// out at once, as before.
#pragma once

#include "ssehub/http/responses.hpp"
#include "ssehub/http/session_stream.hpp"
#include "ssehub/net.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <cstddef>
#include <string>

namespace ssehub {

class answer_batch {
public:
    // Past this many bytes the batch goes out without waiting for more answers: it bounds the
    // copy a session holds, and a large answer (metrics, an error page) is sent as it comes.
    static constexpr std::size_t flush_bytes = 64 * 1024;

    // Appends res as it goes on the wire (append_wire_form); returns its size in bytes.
    std::size_t add(response const& res);

    bool empty() const { return bytes_.empty(); }
    bool full() const { return bytes_.size() >= flush_bytes; }

    // Sends the batch, in place while the kernel takes it and the rest asynchronously under the
    // stream's deadline, and empties it. No-op when empty.
    net::awaitable<boost::beast::error_code> flush(session_stream& stream);

private:
    std::string bytes_;
};

} // namespace ssehub
