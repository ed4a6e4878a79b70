// Counts places against a limit: every connection against max_connections, and every event
// stream also against max_streams. A slot is held for a connection's whole life; a stream's
// slot holds both places, so the hub needs to keep only one object.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace ssehub {

class connection_limit;

// Move-only; releases its places when destroyed. Thread-safe (atomic counters).
class connection_slot {
public:
    connection_slot() = default;
    explicit connection_slot(connection_limit* owner) : owners_{owner, nullptr} { }
    connection_slot(connection_slot&& o) noexcept : owners_(std::exchange(o.owners_, {})) { }
    connection_slot& operator=(connection_slot&& o) noexcept
    {
        if (this != &o) {
            release();
            owners_ = std::exchange(o.owners_, {});
        }
        return *this;
    }
    ~connection_slot() { release(); }

    // Takes over the first place `other` holds: this slot then releases both. For a connection
    // that becomes a stream (its connection place plus a stream place).
    void add(connection_slot&& other) noexcept
    {
        connection_slot replaced; // a second place held before is released, never leaked
        replaced.owners_[0] = std::exchange(owners_[1], std::exchange(other.owners_[0], nullptr));
    }

private:
    void release();
    std::array<connection_limit*, 2> owners_{};
};

class connection_limit {
public:
    explicit connection_limit(std::size_t max) : max_(max) { }

    std::optional<connection_slot> try_acquire()
    {
        auto n = open_.load(std::memory_order_relaxed);
        do {
            if (n >= max_)
                return std::nullopt;
        } while (!open_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
        return connection_slot(this);
    }
    std::size_t open() const { return open_.load(std::memory_order_relaxed); }
    std::size_t max() const { return max_; }

private:
    friend class connection_slot;
    std::atomic<std::size_t> open_{0};
    std::size_t max_;
};

inline void connection_slot::release()
{
    for (auto*& owner : owners_) {
        if (owner)
            owner->open_.fetch_sub(1, std::memory_order_relaxed);
        owner = nullptr;
    }
}

} // namespace ssehub
