// Counts open connections against max_connections. A slot is held for a connection's whole
// life, including after it became an SSE stream.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace ssehub {

class connection_limit;

// Move-only; releases its place when destroyed. Thread-safe (atomic counter).
class connection_slot {
public:
    connection_slot() = default;
    explicit connection_slot(connection_limit* owner) : owner_(owner) { }
    connection_slot(connection_slot&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)) { }
    connection_slot& operator=(connection_slot&& o) noexcept
    {
        if (this != &o) {
            release();
            owner_ = std::exchange(o.owner_, nullptr);
        }
        return *this;
    }
    ~connection_slot() { release(); }

private:
    void release();
    connection_limit* owner_ = nullptr;
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
    if (owner_)
        owner_->open_.fetch_sub(1, std::memory_order_relaxed);
    owner_ = nullptr;
}

} // namespace ssehub
