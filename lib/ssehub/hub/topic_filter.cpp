#include "ssehub/hub/topic_filter.hpp"

#include <algorithm>

namespace ssehub {

bool is_valid_topic(std::string_view topic)
{
    if (topic.empty() || topic.size() > 128)
        return false;
    return std::all_of(topic.begin(), topic.end(), [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
            || c == ':' || c == '/' || c == '-';
    });
}

topic_filter::topic_filter(std::vector<std::string> topics)
    : topics_(std::move(topics))
{
    std::sort(topics_.begin(), topics_.end());
    topics_.erase(std::unique(topics_.begin(), topics_.end()), topics_.end());
}

} // namespace ssehub
