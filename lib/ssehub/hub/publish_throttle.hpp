// Publishers' backpressure: how far the newest event may run ahead of the slowest io thread's
// fan-out. Without it a publisher faster than the fan-out fills the ring with events that only
// wait (latency grows with the backlog, and a long enough burst overruns the ring and costs
// every subscriber a history-lost reset); with it the publisher's 202 is held back instead.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace ssehub {

// Thread-safe. Shards report the id they have taken up to; a publisher asks to be released once
// every shard has taken ids up to its threshold.
class publish_throttle {
public:
    // limit: events published but not yet taken by every shard, beyond which publishers wait
    // (0: never wait).
    explicit publish_throttle(std::uint64_t limit);

    // Before any publish: adds a shard whose fan-out starts at next_id. Returns its index.
    std::size_t add_shard(std::uint64_t next_id);
    // The shard has taken every id below next_id (called from the shard's thread).
    void taken(std::size_t shard, std::uint64_t next_id);

    // The id below which every shard has taken everything.
    std::uint64_t taken_by_all() const;
    // What a publisher waits for when its own events end below next_id (its last id + 1):
    // every shard to have taken the ids below the returned one (0: nothing to wait for).
    std::uint64_t threshold_for(std::uint64_t next_id) const;

    // False when every shard has already taken ids below threshold; otherwise `release` is
    // called once, from a shard's thread or close(), when they have.
    bool wait_needed(std::uint64_t threshold, std::function<void()> release);
    // Shutdown: releases every waiter now, and nobody waits from then on (a waiter left behind
    // would outlive the io threads its release posts to).
    void close();

private:
    struct waiter {
        std::uint64_t threshold;
        std::function<void()> release;
    };

    std::uint64_t const limit_;
    // Fixed before publishing starts (add_shard), so taken() may index it without the lock.
    std::vector<std::unique_ptr<std::atomic<std::uint64_t>>> taken_;
    std::atomic<std::size_t> waiting_{0};
    mutable std::mutex mutex_;
    std::vector<waiter> waiters_;
    bool closed_ = false; // under mutex_
};

} // namespace ssehub
