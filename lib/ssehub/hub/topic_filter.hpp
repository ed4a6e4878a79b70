// Which topics a subscriber reads: a short list, or every topic when empty.
#pragma once

#include <cstring>
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

    // Inline: it runs for every frame a subscriber is offered, twice (counting, then writing).
    bool matches(std::string_view topic) const
    {
        if (topics_.empty())
            return true;
        // A subscriber names a handful of topics: a linear scan, sizes first, beats hashing.
        for (auto const& t : topics_)
            if (t.size() == topic.size() && std::memcmp(t.data(), topic.data(), t.size()) == 0)
                return true;
        return false;
    }
    bool all() const { return topics_.empty(); }
    std::vector<std::string> const& topics() const { return topics_; }

private:
    std::vector<std::string> topics_; // sorted, unique
};

} // namespace ssehub
