// The client side of the wire format, for the tests, the fuzzers and the load generator's tests
// (the server never parses a stream): an incremental parser that follows the WHATWG "interpret
// an event stream" rules, to read what the server wrote exactly as a browser would, and what a
// browser's event.data is for a published payload.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ssehub::test {

struct parsed_event {
    std::string type = "message";
    std::string data;
    std::string last_event_id; // the stream's last event id after this event
};

// Not thread-safe; one per stream. feed() accepts arbitrary slices of the byte stream.
class event_parser {
public:
    using event_handler = std::function<void(parsed_event const&)>;
    using comment_handler = std::function<void(std::string_view)>;

    explicit event_parser(event_handler on_event, comment_handler on_comment = {});

    void feed(std::string_view bytes);

    std::string const& last_event_id() const { return last_event_id_; }
    std::optional<std::uint64_t> retry() const { return retry_; }

private:
    void line(std::string_view l);
    void dispatch();

    event_handler on_event_;
    comment_handler on_comment_;
    std::string pending_; // bytes of an unfinished line
    bool skip_lf_ = false; // the last chunk ended in CR: a leading LF belongs to that line break
    bool first_ = true;    // a UTF-8 BOM at the very start is ignored
    std::string data_;
    std::string type_;
    std::string id_buffer_;
    std::string last_event_id_;
    std::optional<std::uint64_t> retry_;
};

// What a client's event.data will be for `payload`: CR and CRLF line breaks become LF (the
// wire format cannot carry them apart).
std::string normalize_line_breaks(std::string_view payload);

} // namespace ssehub::test
