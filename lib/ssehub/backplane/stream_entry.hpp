// One entry of the hub's Redis stream, parsed from an XRANGE / XREVRANGE / XREAD reply, and
// the frame an instance makes of it (encoded once per instance).
#pragma once

#include "ssehub/hub/frame.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct redisReply;

namespace ssehub {

struct stream_entry {
    std::uint64_t id = 0;
    std::string topic;
    std::string event;
    std::string data;
    std::optional<std::uint64_t> epoch; // on the first entry of an epoch
};

// The entries of an XRANGE-style reply (an array of [id, [field, value, ...]]), or nullopt when
// the reply is not one. An entry with a malformed id is an error too.
std::optional<std::vector<stream_entry>> parse_entries(redisReply const* r);

// XREAD's reply: nil (nothing within BLOCK) gives an empty list.
std::optional<std::vector<stream_entry>> parse_xread(redisReply const* r);

frame_ptr make_frame(stream_entry const& e);

} // namespace ssehub
