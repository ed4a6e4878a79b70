// The responses of one keep-alive connection, read in the order they come. With pipelining one
// read may hold the end of one response, several whole ones and the start of the next: each
// response is reported once, when its last byte is in. No sockets, no allocation.
#pragma once

#include "chunked_decoder.hpp"
#include "response_head.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

class response_reader {
public:
    struct response {
        int status = 0;
        bool keep_alive = true;
    };

    // Calls on_response(response) for every response that ends within `bytes`, in order.
    // Returns false on a malformed response: the connection cannot go on.
    template <class OnResponse>
    bool feed(std::string_view bytes, OnResponse&& on_response)
    {
        while (!bytes.empty()) {
            auto const used = feed_one(bytes);
            if (!used)
                return false;
            bytes.remove_prefix(*used);
            if (complete_) {
                on_response(response{head_.status(), head_.keep_alive()});
                reset();
            }
        }
        return true;
    }

    // Nothing of a next response has been read yet.
    bool between_responses() const { return !started_; }
    void reset() { *this = response_reader{}; }

private:
    // Feeds the response in progress; returns the bytes it took (nullopt: malformed). complete_
    // tells whether it ended there.
    std::optional<std::size_t> feed_one(std::string_view bytes);

    response_head head_;
    chunked_decoder chunks_;
    std::uint64_t body_left_ = 0;
    bool started_ = false;
    bool complete_ = false;
};

} // namespace loadgen
