// Undoes HTTP/1.1 chunked transfer coding incrementally (nginx sends an event stream chunked),
// passing each run of body bytes on without copying. Chunk extensions and trailers are skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

class chunked_decoder {
public:
    // on_body(std::string_view) for each run of body bytes. Returns false on a malformed size
    // line; done() turns true after the last chunk.
    template <class OnBody>
    bool feed(std::string_view in, OnBody&& on_body)
    {
        return feed_counted(in, on_body).has_value();
    }

    // feed(), returning how many bytes were consumed: all of `in`, or fewer when the body ended
    // within it (what follows is the next pipelined response). nullopt when malformed.
    template <class OnBody>
    std::optional<std::size_t> feed_counted(std::string_view in, OnBody&& on_body)
    {
        auto const size = in.size();
        while (!in.empty() && state_ != state::done) {
            if (state_ == state::data) {
                auto const n = in.size() < remaining_ ? in.size() : static_cast<std::size_t>(remaining_);
                on_body(in.substr(0, n));
                in.remove_prefix(n);
                remaining_ -= n;
                if (remaining_ == 0)
                    state_ = state::data_end;
                continue;
            }
            if (!step(in.front()))
                return std::nullopt;
            in.remove_prefix(1);
        }
        return size - in.size();
    }

    bool done() const { return state_ == state::done; }

private:
    enum class state : std::uint8_t { size, extension, data, data_end, trailer, trailer_line, done };

    // One byte outside chunk data.
    bool step(char c)
    {
        switch (state_) {
        case state::size:
            if (auto const v = hex(c); v >= 0) {
                remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
                digits_ = true;
                return remaining_ < (std::uint64_t{1} << 40);
            }
            if (!digits_)
                return false;
            state_ = state::extension;
            return step(c);
        case state::extension:
            if (c == '\n') {
                digits_ = false;
                state_ = remaining_ == 0 ? state::trailer : state::data;
            }
            return true;
        case state::data_end:
            if (c == '\n')
                state_ = state::size;
            return true;
        case state::trailer:
            state_ = c == '\n' ? state::done : (c == '\r' ? state::trailer : state::trailer_line);
            return true;
        case state::trailer_line:
            if (c == '\n')
                state_ = state::trailer;
            return true;
        default:
            return true;
        }
    }

    static int hex(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    state state_ = state::size;
    std::uint64_t remaining_ = 0;
    bool digits_ = false;
};

} // namespace loadgen
