#include "response_reader.hpp"

#include <algorithm>

namespace loadgen {

std::optional<std::size_t> response_reader::feed_one(std::string_view bytes)
{
    started_ = true;
    std::size_t used = 0;
    if (!head_.complete()) {
        auto const n = head_.feed(bytes);
        if (!n)
            return std::nullopt;
        if (!head_.complete())
            return *n;
        used = *n;
        // Without a length or chunking, an answer to a POST is taken as bodiless, not as "read to
        // the close": the next response follows at once.
        body_left_ = head_.content_length().value_or(0);
    }
    auto const body = bytes.substr(used);
    if (head_.chunked()) {
        auto const n = chunks_.feed_counted(body, [](std::string_view) {});
        if (!n)
            return std::nullopt;
        complete_ = chunks_.done();
        return used + *n;
    }
    auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, body.size()));
    body_left_ -= n;
    complete_ = body_left_ == 0;
    return used + n;
}

} // namespace loadgen
