#include "ssehub/hub/eviction_record.hpp"

#include <algorithm>

namespace ssehub {

void eviction_record::record(std::string_view topic, std::uint64_t id)
{
    auto const end = id + 1;
    any_end_ = std::max(any_end_, end);
    if (auto it = lost_end_.find(topic); it != lost_end_.end())
        it->second = std::max(it->second, end);
    else
        lost_end_.emplace(std::string(topic), end);
}

void eviction_record::lose_all_below(std::uint64_t end)
{
    folded_end_ = std::max(folded_end_, end);
    any_end_ = std::max(any_end_, end);
}

bool eviction_record::lost_any(topic_filter const& topics, std::uint64_t from) const
{
    if (folded_end_ > from)
        return true;
    if (topics.all())
        return any_end_ > from;
    for (auto const& t : topics.topics())
        if (auto it = lost_end_.find(std::string_view(t)); it != lost_end_.end() && it->second > from)
            return true;
    return false;
}

eviction_record eviction_record::since(std::uint64_t from) const
{
    eviction_record out;
    out.any_end_ = any_end_;
    out.folded_end_ = folded_end_;
    for (auto const& [topic, end] : lost_end_)
        if (end > from)
            out.lost_end_.emplace(topic, end);
    return out;
}

void eviction_record::forget_below(std::uint64_t below)
{
    if (lost_end_.size() < walk_at_)
        return;
    std::erase_if(lost_end_, [below](auto const& entry) { return entry.second <= below; });
    if (lost_end_.size() > max_topics) {
        // A reader stuck far behind while thousands of topics turn over: keep one bound instead.
        folded_end_ = std::max(folded_end_, any_end_);
        lost_end_.clear();
    }
    walk_at_ = std::max<std::size_t>(64, 2 * lost_end_.size());
}

} // namespace ssehub
