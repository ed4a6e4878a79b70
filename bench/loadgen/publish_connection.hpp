// One keep-alive publishing connection: its socket state, the requests built but not yet
// written, and the responses being read. Up to `window` requests are in flight at once (HTTP/1.1
// pipelining, 1: one request, then its answer); their responses come back in order, so the
// oldest send time in flight belongs to the next answer (the publish round trip). The buffers
// are sized once for the window: no allocation per event.
#pragma once

#include "response_reader.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace loadgen {

inline constexpr std::size_t max_request_bytes = 2048;

struct publish_connection {
    enum class state : std::uint8_t { closed, connecting, open, dead };

    explicit publish_connection(std::size_t window);

    bool can_start() const { return st == state::open && in_flight < window; }
    bool busy() const { return st == state::connecting || in_flight > 0; }
    // Room for one more request at the end of the unsent bytes (at least max_request_bytes
    // while can_start()); queued(n, sent_us) says that n bytes of a request, sent at sent_us,
    // were written there.
    std::span<char> room();
    void queued(std::size_t n, std::int64_t sent_us);
    // The next answer came: its request is no longer in flight; returns that request's send time.
    std::int64_t answered();
    std::string_view unsent() const { return {out_.data() + out_sent_, out_size_ - out_sent_}; }
    void sent(std::size_t n);
    // A new socket (or none): nothing in flight, nothing unsent, no response half read.
    void restart(int new_fd);

    int fd = -1;
    state st = state::closed;
    std::uint32_t index = 0;
    std::uint32_t server = 0; // its server among the publisher's (round_robin.hpp)
    std::uint32_t seq = 0;
    int reconnects = 0;
    bool wants_out = false; // registered for EPOLLOUT: a write came up short
    std::size_t window = 1;
    std::size_t in_flight = 0; // requests queued or written, not yet answered
    response_reader responses;

private:
    std::vector<std::int64_t> sent_at_; // a ring of the in-flight requests' send times, oldest at oldest_
    std::size_t oldest_ = 0;
    std::vector<char> out_;
    std::size_t out_size_ = 0, out_sent_ = 0;
};

} // namespace loadgen
