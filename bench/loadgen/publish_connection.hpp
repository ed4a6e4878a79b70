// One keep-alive publishing connection: its socket state, the request being written and the
// response being read. At most one request is in flight. No allocation per event.
#pragma once

#include "chunked_decoder.hpp"
#include "response_head.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace loadgen {

struct publish_connection {
    enum class state : std::uint8_t { closed, connecting, idle, writing, awaiting, dead };
    enum class reading : std::uint8_t { more, done, broken };

    // A new request of `size` bytes has been built into `out`.
    void begin(std::size_t size);
    // Response bytes: `done` when the whole response is in (status() tells how it went).
    reading on_response_bytes(std::string_view bytes);
    int status() const { return head.status(); }
    bool keep_alive() const { return head.keep_alive(); }

    int fd = -1;
    state st = state::closed;
    std::uint32_t index = 0;
    std::uint32_t seq = 0;
    std::int64_t sent_us = 0; // of the request in flight
    int reconnects = 0;
    std::size_t out_size = 0, out_sent = 0;
    std::array<char, 2048> out;

private:
    response_head head;
    chunked_decoder chunks;
    std::uint64_t body_left = 0;
};

} // namespace loadgen
