#include "ssehub/sse/sse_encoder.hpp"

#include <charconv>

namespace ssehub::sse {

bool is_valid_event_name(std::string_view name)
{
    if (name.empty() || name.size() > 128)
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto const c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7f)
            return false;
        // U+0080..U+009F are C2 80..C2 9F in UTF-8.
        if (c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9f)
            return false;
    }
    return true;
}

void append_data_lines(std::string& out, std::string_view payload)
{
    std::size_t start = 0;
    for (;;) {
        auto const end = payload.find_first_of("\r\n", start);
        out += "data: ";
        out.append(payload.substr(start, end - start));
        out += '\n';
        if (end == std::string_view::npos)
            return;
        // CRLF is one line break for the client, so it is one here too.
        start = end + ((payload[end] == '\r' && end + 1 < payload.size() && payload[end + 1] == '\n') ? 2 : 1);
    }
}

std::string encode_body(std::string_view event, std::string_view payload)
{
    std::string out;
    out.reserve(payload.size() + event.size() + 16);
    if (event != "message") {
        out += "event: ";
        out += event;
        out += '\n';
    }
    append_data_lines(out, payload);
    out += '\n';
    return out;
}

std::string encode_frame(std::uint64_t id, std::string_view body)
{
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, id).ptr;
    std::string out;
    out.reserve(body.size() + 30);
    out += "id: ";
    out.append(digits, end);
    out += '\n';
    out += body;
    return out;
}

std::string encode_position(std::uint64_t id)
{
    char line[32] = "id: ";
    auto end = std::to_chars(line + 4, line + sizeof line - 2, id).ptr;
    *end++ = '\n';
    *end++ = '\n';
    return std::string(line, end);
}

std::string encode_comment(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 4);
    out += ": ";
    for (char c : text)
        if (c != '\r' && c != '\n' && c != '\0')
            out += c;
    out += "\n\n";
    return out;
}

std::string encode_retry(std::uint64_t milliseconds)
{
    return "retry: " + std::to_string(milliseconds) + "\n\n";
}

} // namespace ssehub::sse
