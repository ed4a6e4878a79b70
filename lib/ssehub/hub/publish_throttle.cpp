#include "ssehub/hub/publish_throttle.hpp"

#include <algorithm>
#include <limits>

namespace ssehub {

publish_throttle::publish_throttle(std::uint64_t limit)
    : limit_(limit)
{
}

std::size_t publish_throttle::add_shard(std::uint64_t next_id)
{
    std::lock_guard lock(mutex_);
    taken_.push_back(std::make_unique<std::atomic<std::uint64_t>>(next_id));
    return taken_.size() - 1;
}

void publish_throttle::taken(std::size_t shard, std::uint64_t next_id)
{
    // seq_cst store, then load of waiting_: paired with wait_needed() (increment, then load of
    // the positions), one of the two sees the other, so no waiter misses its release.
    taken_[shard]->store(next_id);
    if (waiting_.load() == 0)
        return;
    std::vector<std::function<void()>> ready;
    {
        std::lock_guard lock(mutex_);
        auto const all = taken_by_all();
        auto const keep = std::partition(waiters_.begin(), waiters_.end(),
                                         [all](waiter const& w) { return w.threshold > all; });
        for (auto it = keep; it != waiters_.end(); ++it)
            ready.push_back(std::move(it->release));
        waiting_.fetch_sub(static_cast<std::size_t>(waiters_.end() - keep));
        waiters_.erase(keep, waiters_.end());
    }
    for (auto& release : ready) // outside the lock: a release may post, and posting may run it
        release();
}

std::uint64_t publish_throttle::taken_by_all() const
{
    auto all = std::numeric_limits<std::uint64_t>::max();
    for (auto const& t : taken_)
        all = std::min(all, t->load());
    return all;
}

std::uint64_t publish_throttle::threshold_for(std::uint64_t next_id) const
{
    return limit_ == 0 || next_id <= limit_ ? 0 : next_id - limit_;
}

bool publish_throttle::wait_needed(std::uint64_t threshold, std::function<void()> release)
{
    if (threshold == 0 || taken_.empty() || taken_by_all() >= threshold)
        return false;
    std::lock_guard lock(mutex_);
    if (closed_)
        return false;
    waiting_.fetch_add(1);
    if (taken_by_all() >= threshold) { // a shard moved on between the check and the increment
        waiting_.fetch_sub(1);
        return false;
    }
    waiters_.push_back(waiter{threshold, std::move(release)});
    return true;
}

void publish_throttle::close()
{
    std::vector<waiter> all;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        all.swap(waiters_);
        waiting_.fetch_sub(all.size());
    }
    for (auto& w : all)
        w.release();
}

} // namespace ssehub
