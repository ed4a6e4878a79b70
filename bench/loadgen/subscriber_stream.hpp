// One SSE subscriber connection: its protocol state (response head, chunked body, event
// stream) and what it received. No sockets here: the pool reads and hands bytes in.
#pragma once

#include "chunked_decoder.hpp"
#include "delivery_stats.hpp"
#include "response_head.hpp"
#include "sse_parser.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace loadgen {

inline constexpr std::size_t max_publishers = 64;

class subscriber_stream {
public:
    enum class phase : std::uint8_t { idle, connecting, reading_head, streaming, failed, dropped };

    // Bytes read from the socket at `now_us`. Returns false when the stream cannot go on
    // (refused with a non-200 status or malformed): phase() tells which.
    bool on_bytes(std::string_view bytes, std::int64_t now_us, delivery_stats& stats);

    phase state() const { return phase_; }
    void set_state(phase p) { phase_ = p; }
    int fd = -1;
    std::uint32_t server = 0; // its server among the pool's (round_robin.hpp)
    std::int64_t started_us = 0;

    std::uint64_t received() const { return received_; }
    std::uint64_t out_of_order() const { return out_of_order_; }
    int status() const { return head_.status(); }

private:
    bool on_body(std::string_view bytes, std::int64_t now_us, delivery_stats& stats);
    void on_event(sse_event const& e, std::int64_t now_us, delivery_stats& stats);

    response_head head_;
    chunked_decoder chunks_;
    sse_parser parser_;
    std::array<std::uint32_t, max_publishers> next_seq_{}; // per publisher connection
    std::uint64_t received_ = 0;
    std::uint64_t out_of_order_ = 0;
    phase phase_ = phase::idle;
};

} // namespace loadgen
