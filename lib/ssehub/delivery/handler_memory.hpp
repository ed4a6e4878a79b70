// Room inside an object for the memory of its one operation in flight, after Asio's allocation
// example: an idle stream's pending wait then costs no allocation of its own (issue 17: memory
// per idle subscriber).
#pragma once

#include <cstddef>
#include <new>

namespace ssehub {

// Holds at most one block of up to Size bytes; a larger block, or a second one while the first
// is in use, comes from operator new. Not thread-safe: the owner's thread only.
template <std::size_t Size>
class handler_memory {
public:
    handler_memory() = default;
    handler_memory(handler_memory const&) = delete;
    handler_memory& operator=(handler_memory const&) = delete;

    void* allocate(std::size_t bytes)
    {
        if (!in_use_ && bytes <= Size) {
            in_use_ = true;
            return storage_;
        }
        return ::operator new(bytes);
    }
    void deallocate(void* p)
    {
        if (p == storage_)
            in_use_ = false;
        else
            ::operator delete(p);
    }
    bool in_use() const { return in_use_; }

private:
    alignas(std::max_align_t) unsigned char storage_[Size];
    bool in_use_ = false;
};

// The allocator Asio takes from a handler (net::bind_allocator) to place its operation there.
template <class T, std::size_t Size>
class handler_memory_allocator {
public:
    using value_type = T;
    template <class U>
    struct rebind { // (the size parameter keeps allocator_traits from deducing it)
        using other = handler_memory_allocator<U, Size>;
    };

    explicit handler_memory_allocator(handler_memory<Size>& memory) noexcept : memory_(&memory) { }
    template <class U>
    handler_memory_allocator(handler_memory_allocator<U, Size> const& other) noexcept : memory_(other.memory_) { }

    T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
    void deallocate(T* p, std::size_t) noexcept { memory_->deallocate(p); }

    template <class U>
    bool operator==(handler_memory_allocator<U, Size> const& other) const noexcept { return memory_ == other.memory_; }

private:
    template <class, std::size_t>
    friend class handler_memory_allocator;
    handler_memory<Size>* memory_;
};

} // namespace ssehub
