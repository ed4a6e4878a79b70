// The SSE wire format (WHATWG HTML, "Server-sent events"): pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ssehub::sse {

// True when `name` may go on an `event:` line: 1..128 bytes, no control character: neither
// C0 nor DEL (CR, LF and NUL would end the line early or be dropped by the client) nor, in
// UTF-8, C1 (U+0080 to U+009F, such as NEL).
bool is_valid_event_name(std::string_view name);

// Appends `data: ` lines for `payload`, splitting on LF, CR and CRLF exactly as a client
// will split them, so every line break survives (normalized to LF on the client side).
void append_data_lines(std::string& out, std::string_view payload);

// The part of a frame after its id line: optional `event:` line (omitted for the default
// type "message"), the data lines and the blank line that dispatches the event.
std::string encode_body(std::string_view event, std::string_view payload);

// A complete frame: `id:` line followed by `body` from encode_body.
std::string encode_frame(std::uint64_t id, std::string_view body);

// `id: N\n\n`: sets the client's last event id without dispatching an event (WHATWG: a block
// with no data line dispatches nothing), so a stream carries a position before its first event.
std::string encode_position(std::uint64_t id);

// `: text\n\n` after removing any line break from text.
std::string encode_comment(std::string_view text);

// `retry: ms\n\n`
std::string encode_retry(std::uint64_t milliseconds);

} // namespace ssehub::sse
