// What the ring has dropped, per topic: enough to tell whether a reader at some position lost
// a frame it needed, without keeping the frames.
#pragma once

#include "ssehub/hub/topic_filter.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ssehub {

// Not thread-safe: it lives in the event_ring, under the hub's mutex (a snapshot from since()
// belongs to whoever took it).
class eviction_record {
public:
    // More topics than this after forgetting the old ones: the record folds them into one bound
    // (it then answers "maybe lost" for every topic below it: a few needless cuts, never a
    // silent loss).
    static constexpr std::size_t max_topics = 4096;

    // The frame `id` of `topic` was dropped. Ids arrive in ascending order.
    void record(std::string_view topic, std::uint64_t id);

    // Every reader below `end`, whatever its topics, lost something (an external log's gap).
    void lose_all_below(std::uint64_t end);

    // True when a dropped frame with id >= from was one a reader of `topics` needed (any frame,
    // when it reads every topic).
    bool lost_any(topic_filter const& topics, std::uint64_t from) const;

    // The part a reader at `from` or later can still need: what a shard takes with its pull.
    eviction_record since(std::uint64_t from) const;

    // Forgets topics whose newest dropped frame is below `below` (every reader is past it).
    // Cheap when called often: it walks the record only when the record has doubled.
    void forget_below(std::uint64_t below);

    std::size_t topics() const { return lost_end_.size(); }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    // topic -> 1 + the newest dropped id of that topic (0 never appears: "nothing" is absence).
    std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>> lost_end_;
    std::uint64_t any_end_ = 0;    // 1 + the newest dropped id of any topic
    std::uint64_t folded_end_ = 0; // every topic may have lost ids below this (see max_topics)
    std::size_t walk_at_ = 64;     // forget_below walks the record once it has this many topics
};

} // namespace ssehub
