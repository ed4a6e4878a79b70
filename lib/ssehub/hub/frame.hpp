// One published event, encoded once and shared read-only by every subscriber and replay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ssehub {

struct frame {
    std::uint64_t id;
    std::string topic;
    std::string bytes; // the whole SSE frame: id, event and data lines, blank line
};

using frame_ptr = std::shared_ptr<frame const>;

} // namespace ssehub
