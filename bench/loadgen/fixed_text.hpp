// A string of bounded capacity stored inline: the parsers' per-connection buffers, so that
// reading a stream never allocates. Text beyond the capacity is dropped and remembered.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace loadgen {

template <std::size_t Capacity>
class fixed_text {
public:
    void append(std::string_view s)
    {
        auto const room = Capacity - size_;
        auto const n = s.size() <= room ? s.size() : room;
        if (n != s.size())
            overflowed_ = true;
        std::memcpy(bytes_.data() + size_, s.data(), n);
        size_ += n;
    }
    void push_back(char c) { append(std::string_view(&c, 1)); }
    void assign(std::string_view s)
    {
        clear();
        append(s);
    }
    void clear()
    {
        size_ = 0;
        overflowed_ = false;
    }
    void pop_back() { --size_; }
    std::string_view view() const { return {bytes_.data(), size_}; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    bool overflowed() const { return overflowed_; }

private:
    std::array<char, Capacity> bytes_;
    std::size_t size_ = 0;
    bool overflowed_ = false;
};

} // namespace loadgen
