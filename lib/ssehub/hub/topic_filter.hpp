// Which topics a subscriber reads: a short list, or every topic when empty.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ssehub {

// Topic names: 1..128 bytes of [A-Za-z0-9_.:/-]; safe in a URL query and a log line.
bool is_valid_topic(std::string_view topic);

// Immutable after construction, so it is safe to read from any thread. Copies share one list.
class topic_filter {
public:
    using names = std::vector<std::string>;

    topic_filter() = default; // every topic
    explicit topic_filter(names topics);

    // Inline: it runs for every frame a subscriber is offered, twice (counting, then writing).
    bool matches(std::string_view topic) const
    {
        if (!topics_)
            return true;
        // A subscriber names a handful of topics: a linear scan, sizes first, beats hashing.
        for (auto const& t : *topics_)
            if (t.size() == topic.size() && std::memcmp(t.data(), topic.data(), t.size()) == 0)
                return true;
        return false;
    }
    bool all() const { return !topics_; }
    names const& topics() const;

private:
    friend class topic_filter_pool;
    std::shared_ptr<names const> topics_; // sorted, unique, not empty; null: every topic
};

// One list per distinct topic set: thousands of streams on the same topics then hold a pointer
// each instead of a list each (an idle stream's footprint, issue 17). Not thread-safe: one pool
// per thread (each hub shard has its own).
class topic_filter_pool {
public:
    // A filter equal to `f` that shares the pool's list for its topics (f's own, if it is the first).
    topic_filter intern(topic_filter f);
    std::size_t size() const { return lists_.size(); }

private:
    std::unordered_map<std::string, std::weak_ptr<topic_filter::names const>> lists_;
    std::size_t prune_at_ = 64; // lists of ended streams are dropped when the map reaches this
};

} // namespace ssehub
