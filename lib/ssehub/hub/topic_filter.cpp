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

topic_filter::topic_filter(names topics)
{
    std::sort(topics.begin(), topics.end());
    topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
    if (!topics.empty())
        topics_ = std::make_shared<names const>(std::move(topics));
}

topic_filter::names const& topic_filter::topics() const
{
    static names const none;
    return topics_ ? *topics_ : none;
}

topic_filter topic_filter_pool::intern(topic_filter f)
{
    if (!f.topics_)
        return f;
    std::string key; // topic names hold no newline
    for (auto const& t : *f.topics_) {
        key += t;
        key += '\n';
    }
    auto& entry = lists_[key];
    if (auto shared = entry.lock()) {
        f.topics_ = std::move(shared);
        return f;
    }
    entry = f.topics_;
    if (lists_.size() >= prune_at_) {
        std::erase_if(lists_, [](auto const& e) { return e.second.expired(); });
        prune_at_ = std::max<std::size_t>(64, 2 * lists_.size());
    }
    return f;
}

} // namespace ssehub
