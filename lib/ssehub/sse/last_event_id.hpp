// Parsing the id a reconnecting client sends back (Last-Event-ID header or query parameter).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ssehub::sse {

// Our ids are plain decimal uint64 values. Anything else (empty, signed, non-digits, more than
// 20 digits, overflow) cannot be one of ours: nullopt, which the hub answers as "history lost".
std::optional<std::uint64_t> parse_last_event_id(std::string_view text);

// The id a client asks to resume after: the Last-Event-ID header when it has one (the browser
// sends it on its own reconnects, so it is newer than a query parameter on the page's first
// URL), else the query parameter's. An empty value in either is no id: a fresh stream, never a
// history-lost.
std::optional<std::string_view> requested_last_event_id(std::string_view header, std::optional<std::string_view> query);

} // namespace ssehub::sse
