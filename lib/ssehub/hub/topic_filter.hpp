// Which topics a subscriber reads: a short list, or every topic when empty.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ssehub {

// Topic names: 1..128 bytes of [A-Za-z0-9_.:/-]; safe in a URL query and a log line.
bool is_valid_topic(std::string_view topic);

// Immutable after construction, so it is safe to read from any thread.
class topic_filter {
public:
    topic_filter() = default; // every topic
    explicit topic_filter(std::vector<std::string> topics);

    bool matches(std::string_view topic) const;
    bool all() const { return topics_.empty(); }
    std::vector<std::string> const& topics() const { return topics_; }

private:
    std::vector<std::string> topics_; // sorted, unique
};

} // namespace ssehub
