// The JSON every published event carries: which publisher connection sent it, its sequence
// number on that connection and the send time, padded to a chosen size:
//   {"p":0,"seq":41,"ts":123456789,"pad":"xxxx"}
// Subscribers count missed and out-of-order events from (p, seq) only, never from the SSE
// id (each server numbers events its own way), and latency from ts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace loadgen {

struct payload_fields {
    std::uint32_t publisher;
    std::uint64_t seq;
    std::int64_t sent_us;
};

// Writes the payload into out and returns its length: at least `size` bytes when `out` has
// room (the padding makes up the difference), 0 when `out` is too small.
std::size_t format_payload(std::span<char> out, payload_fields const& f, std::size_t size);

// Reads the fields back from an event's data, whatever JSON re-serialization the server did.
std::optional<payload_fields> parse_payload(std::string_view data);

} // namespace loadgen
