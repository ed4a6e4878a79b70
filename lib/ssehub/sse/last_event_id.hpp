// Parsing the id a reconnecting client sends back (Last-Event-ID header or query parameter).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ssehub::sse {

// Our ids are plain decimal uint64 values. Anything else (empty, signed, non-digits, more than
// 20 digits, overflow) cannot be one of ours: nullopt, which the hub answers as "history lost".
std::optional<std::uint64_t> parse_last_event_id(std::string_view text);

} // namespace ssehub::sse
