#include "publish_connection.hpp"

#include <algorithm>

namespace loadgen {

void publish_connection::begin(std::size_t size)
{
    out_size = size;
    out_sent = 0;
    head.reset();
    chunks = chunked_decoder{};
    body_left = 0;
}

publish_connection::reading publish_connection::on_response_bytes(std::string_view bytes)
{
    if (!head.complete()) {
        auto const used = head.feed(bytes);
        if (!used)
            return reading::broken;
        bytes.remove_prefix(*used);
        if (!head.complete())
            return reading::more;
        body_left = head.content_length().value_or(0);
    }
    if (head.chunked()) {
        if (!chunks.feed(bytes, [](std::string_view) {}))
            return reading::broken;
        return chunks.done() ? reading::done : reading::more;
    }
    body_left -= std::min<std::uint64_t>(body_left, bytes.size());
    return body_left == 0 ? reading::done : reading::more;
}

} // namespace loadgen
